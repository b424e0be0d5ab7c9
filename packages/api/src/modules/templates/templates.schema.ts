import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { messageCategories } from './template.model.js';

const source = z.string().max(100_000);

export const createTemplateBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    description: z.string().max(1000).nullable().optional(),
    category: z.enum(messageCategories),
    subject: z.string().min(1).max(500),
    html: source.min(1),
    text: source.min(1),
  })
  .openapi('CreateMessageTemplate');

export const updateTemplateBody = createTemplateBody.partial().openapi('UpdateMessageTemplate');

export const templateSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    category: z.enum(messageCategories),
    subject: z.string(),
    html: z.string(),
    text: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('MessageTemplate');

export const previewBody = z
  .object({
    contactId: objectId.optional().openapi({ description: 'Render with this contact as the recipient' }),
    customerId: objectId.optional().openapi({ description: 'Render with this customer as the recipient' }),
  })
  .openapi('PreviewMessageTemplate');

export const renderedSchema = z
  .object({ subject: z.string(), html: z.string(), text: z.string(), locale: z.string(), timeZone: z.string() })
  .openapi('RenderedMessage');
