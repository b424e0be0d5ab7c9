import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { customFieldKeyPattern } from '../../platform/custom-fields/custom-fields.js';
import { customFieldTypes } from '../../platform/custom-fields/custom-field.model.js';

/** The record types that take custom attributes. */
export const customFieldResources = ['contact', 'customer', 'lead', 'opportunity', 'task'] as const;

const options = z.array(z.string().trim().min(1).max(100)).max(200).refine((list) => new Set(list).size === list.length, 'must not repeat an option');

export const createCustomFieldBody = z
  .object({
    resource: z.enum(customFieldResources),
    key: z.string().regex(customFieldKeyPattern, 'must start with a lower-case letter and hold only letters, digits and _ (at most 40; never . or $)'),
    label: z.string().trim().min(1).max(100),
    type: z.enum(customFieldTypes),
    options: options.default([]).openapi({ description: 'The choices of a select or multiselect field' }),
    required: z.boolean().default(false),
    defaultValue: z.unknown().optional().openapi({ description: 'Applied on create when no value is sent; must fit the type' }),
  })
  .openapi('CustomFieldCreate');

export const updateCustomFieldBody = z
  .object({
    label: z.string().trim().min(1).max(100).optional(),
    type: z.enum(customFieldTypes).optional().openapi({ description: 'Refused (409) while records hold a value' }),
    options: options.optional().openapi({ description: 'Removing an option that records use is refused (409)' }),
    required: z.boolean().optional(),
    defaultValue: z.unknown().optional(),
  })
  .openapi('CustomFieldUpdate');

export const customFieldListQuery = z.object({ resource: z.enum(customFieldResources).optional() });

export const customFieldSchema = z
  .object({
    id: objectId,
    resource: z.enum(customFieldResources),
    key: z.string(),
    label: z.string(),
    type: z.enum(customFieldTypes),
    options: z.array(z.string()),
    required: z.boolean(),
    defaultValue: z.unknown(),
    version: z.number().int(),
  })
  .openapi('CustomField');

export const customFieldListSchema = z.object({ object: z.literal('list'), data: z.array(customFieldSchema) }).openapi('CustomFieldList');
