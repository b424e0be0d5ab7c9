import { objectId } from '../../platform/http/common.schema.js';
import { z } from '../../platform/http/zod.js';
import { dedupeKeys, importKinds, importModes } from './import-fields.js';
import { importLocales } from './import-locale.js';
import { importStatuses } from './import.model.js';

const locale = z.enum(importLocales).nullable().openapi({
  description: 'How the file writes dates and numbers, for the date and number fields and custom fields of those types: `de-DE` 31.12.2026 and 1.234,56, `en-US` 12/31/2026 and 1,234.56, `en-GB` 31/12/2026 and 1,234.56, and so on. ISO dates (2026-12-31) are read in every locale. Null: ISO dates only, numbers with a decimal point or comma and no grouping.',
});

const statusMapSchema = z
  .object({
    values: z
      .array(z.object({ value: z.string().trim().min(1).max(200).openapi({ description: "A value of the file's status column (compared without case)" }), status: z.string().min(1).max(60).openapi({ description: "A state of the kind's workflow (GET /v1/workflows/{key})" }) }))
      .max(500),
    unknown: z.enum(['error', 'default']).default('error').openapi({ description: 'A value that is neither mapped nor a state key or label: `error` fails the row (naming the status column), `default` gives it `default`' }),
    default: z.string().min(1).max(60).nullable().optional().openapi({ description: "The state for unknown values when `unknown` is `default`; null: the workflow's initial state" }),
  })
  .openapi('ImportStatusMap', { description: "The file's values of the column mapped to `status`, to the kind's workflow states (created records start there; an empty cell: the initial state). Values that are a state's key or label need no entry." });

const assignSchema = z
  .object({
    teamId: objectId.openapi({ description: 'A team of the agency with active members; your role needs `assign` on the kind (tasks: every member must be you or below you in the organisation)' }),
    strategy: z.enum(['round-robin']).default('round-robin').openapi({ description: "`round-robin`: the team's active members in turn (in the order of their ids), picked by the row's number, so a resumed run gives each row the same owner" }),
  })
  .openapi('ImportAssignRule', { description: "Owners for created records whose row has no owner cell (`ownerEmail`; a task's `assigneeEmail`): the members of a team in turn. The members are taken once when the run starts and kept on the import. Duplicates updated in mode `update` keep their owners." });

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
    statusValues: z.array(z.string()).openapi({ description: 'Values of the status column that the status map does not name and that are no state (the first 50): map them and check again' }),
    assignments: z
      .array(z.object({ userId: objectId, email: z.string(), rows: z.number().int() }))
      .optional()
      .openapi({ description: "With an assignment rule: how many of the rows that would be created each of the team's active members would own" }),
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
      .object({ columns: z.array(columnField), dedupeKey: z.enum(dedupeKeys), mode: z.enum(importModes), productId: objectId.nullable(), teamId: objectId.nullable(), tags: z.array(z.string()), locale, statusMap: statusMapSchema.nullable(), assign: assignSchema.nullable() })
      .nullable(),
    status: z.enum(importStatuses),
    progress: z.object({ ...counts, rowsPerSecond: z.number(), elapsedSeconds: z.number() }),
    dryRun: dryRunSchema.nullable(),
    failure: z.string().nullable(),
    fileRemovedAt: z.string().datetime().nullable().openapi({ description: 'When the uploaded file was removed (IMPORT_FILE_RETENTION_DAYS after the import was last used); from then on it cannot be dry-run or run, while its error file and undo still work' }),
    stopReason: z.enum(['daily_row_cap']).nullable().openapi({ description: "Why a run stopped before the file's end on its own: `daily_row_cap`, the agency's daily import limit was reached (the import is `failed`; run it again after `resumesAt` to continue, or an admin raises the limit)" }),
    resumesAt: z.string().nullable().openapi({ description: 'When a run stopped by the daily limit may continue: the start of the agency\'s next day (ISO 8601)' }),
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
    dedupeKey: z.enum(dedupeKeys).default('email').openapi({ description: 'How an existing record and an earlier row of the file are found (products: `code`, compared without case)' }),
    mode: z.enum(importModes).default('skip').openapi({ description: 'A row whose key matches an existing record: `update` it, `skip` the row, or `create` a record anyway (rows repeating an earlier row of the file are always skipped)' }),
    productId: objectId.nullable().optional().openapi({ description: 'The product every record is tied to (required for department users, 002)' }),
    teamId: objectId.nullable().optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(10).optional().openapi({ description: 'Tags added to every record' }),
    locale: locale.optional(),
    statusMap: statusMapSchema.nullable().optional(),
    assign: assignSchema.nullable().optional(),
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
    locale,
    statusMap: statusMapSchema.nullable(),
    assign: assignSchema.nullable(),
    createdBy: objectId,
    createdAt: z.string(),
  })
  .openapi('SavedImportMapping');
