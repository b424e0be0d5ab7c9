import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { dedupeKeys, importKinds, importModes } from './import-fields.js';
import { importStatuses } from './import.model.js';

export const createImportQuery = z.object({
  name: z.string().trim().min(1).max(200).openapi({ description: 'The file name; its extension (.csv, .txt, .tsv or .xlsx) names the format', example: 'leads.csv' }),
});

const counts = {
  read: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  failed: z.number().int(),
};

const columnField = z.object({ column: z.string(), field: z.string().nullable() });

export const dryRunSchema = z
  .object({
    ...counts,
    errors: z.array(z.object({ field: z.string(), column: z.string().nullable().optional(), count: z.number().int(), rows: z.array(z.number().int()).openapi({ description: 'The first 20 file rows (the header is row 1)' }) })),
  })
  .openapi('ImportDryRun', { description: 'What a run would do: `created`, `updated` and `skipped` count the rows that would be; `failed` the rows that would not pass validation' });

export const importSchema = z
  .object({
    id: objectId,
    kind: z.enum(importKinds),
    fileName: z.string(),
    format: z.enum(['csv', 'xlsx']),
    size: z.number().int(),
    encoding: z.string().nullable().openapi({ description: 'CSV: utf-8 or windows-1252, as found' }),
    delimiter: z.string().nullable().openapi({ description: 'CSV: the delimiter found' }),
    headers: z.array(z.string()),
    sample: z.array(z.array(z.string())).openapi({ description: 'The first rows after the header' }),
    suggestedMapping: z.array(columnField).openapi({ description: 'The field each column suggests (from English and German headers and custom field labels)' }),
    mapping: z
      .object({ columns: z.array(columnField), dedupeKey: z.enum(dedupeKeys), mode: z.enum(importModes), productId: objectId.nullable(), teamId: objectId.nullable(), tags: z.array(z.string()) })
      .nullable(),
    status: z.enum(importStatuses),
    progress: z.object({ ...counts, rowsPerSecond: z.number(), elapsedSeconds: z.number() }),
    dryRun: dryRunSchema.nullable(),
    failure: z.string().nullable(),
    createdBy: objectId,
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Import');

export const undoneImportSchema = importSchema.extend({ undone: z.object({ removed: z.number().int(), restored: z.number().int() }) }).openapi('ImportUndone');

export const mappingBody = z
  .object({
    columns: z
      .array(z.object({ column: z.string().max(500), field: z.string().max(60).nullable().openapi({ description: 'A field of the kind, `custom.<key>`, or null to leave the column out' }) }))
      .max(500)
      .openapi({ description: 'Columns left out are not imported' }),
    dedupeKey: z.enum(dedupeKeys).default('email').openapi({ description: 'How an existing record and an earlier row of the file are found' }),
    mode: z.enum(importModes).default('skip').openapi({ description: 'A row whose key matches an existing record: `update` it, `skip` the row, or `create` a record anyway (rows repeating an earlier row of the file are always skipped)' }),
    productId: objectId.nullable().optional().openapi({ description: 'The product every record is tied to (required for department users, 002)' }),
    teamId: objectId.nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(10).optional().openapi({ description: 'Tags added to every record' }),
  })
  .openapi('ImportMapping');

export const savedMappingBody = mappingBody
  .extend({
    name: z.string().trim().min(1).max(80).openapi({ description: 'Unique per agency and kind', example: 'Conference leads (Eventbrite export)' }),
  })
  .openapi('SavedImportMappingInput');

export const savedMappingSchema = z
  .object({
    id: objectId,
    kind: z.enum(importKinds),
    name: z.string(),
    columns: z.array(columnField).openapi({ description: 'Fields by column header: a file with these headers gets them preselected' }),
    dedupeKey: z.enum(dedupeKeys),
    mode: z.enum(importModes),
    productId: objectId.nullable(),
    teamId: objectId.nullable(),
    tags: z.array(z.string()),
    createdBy: objectId,
    createdAt: z.string(),
  })
  .openapi('SavedImportMapping');
