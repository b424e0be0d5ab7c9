import { z } from '../../platform/http/zod.js';
import { contactPointSchema, postalAddressSchema } from '../contacts/contact.schema.js';
import { cardFields } from './card-parser.js';

/** The image types a card photo may be, as the route's Content-Type. */
export const cardImageTypes = ['image/png', 'image/jpeg', 'image/webp'] as const;

const certainty = z.number().min(0).max(1).nullable();

/** A contact create body as far as the card gave it: review it, add what is missing, then POST /v1/contacts. */
export const cardDraftSchema = z
  .object({
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    jobTitle: z.string().optional(),
    emails: z.array(contactPointSchema('email')),
    phones: z.array(contactPointSchema('phone')),
    addresses: z.array(postalAddressSchema.omit({ geo: true })),
    company: z.object({ name: z.string().optional(), website: z.string().optional() }).optional(),
  })
  .openapi('CardScanDraft', { description: 'Fields of a ContactCreate body read from the card; a field the card did not give is left out (or an empty list).' });

export const cardScanSchema = z
  .object({
    contact: cardDraftSchema,
    confidence: z
      .object(Object.fromEntries(cardFields.map((field) => [field, certainty])) as Record<(typeof cardFields)[number], typeof certainty>)
      .openapi({ description: 'How sure the reading of each field is, 0 to 1 (the OCR’s confidence in its lines times how surely the line is that field); null: the card gave none. `website` is `contact.company.website`, `address` the first of `contact.addresses`.' }),
    text: z.string().openapi({ description: 'The text as recognised, line by line' }),
    ocrConfidence: z.number().min(0).max(1).openapi({ description: 'The OCR’s mean confidence over the whole image' }),
    languages: z.array(z.string()).openapi({ description: 'The languages the OCR read with' }),
    durationMs: z.number().int().openapi({ description: 'Time the recognition took' }),
  })
  .openapi('CardScan');

export type CardScan = z.infer<typeof cardScanSchema>;
