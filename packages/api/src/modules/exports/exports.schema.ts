import { z } from '../../platform/http/zod.js';
import { exportFormats, exportKinds, exportStatuses } from './export.model.js';

export const createExportBody = z
  .object({
    format: z.enum(exportFormats).default('xlsx').openapi({ description: 'An Excel workbook (.xlsx) or CSV' }),
    filters: z
      .record(z.string().max(100), z.string().max(200))
      .default({})
      .openapi({ description: 'The filters the kind’s list takes, as query values (`{"status": "hot", "q": "lisbon"}`; a custom field as `custom.<key>`); a name the list does not take, or a value it would refuse, answers 400 naming it (`filters.<name>`)' }),
  })
  .openapi('ExportInput');

export const exportSchema = z
  .object({
    id: z.string(),
    kind: z.enum(exportKinds),
    format: z.enum(exportFormats),
    filters: z.record(z.string(), z.string()),
    status: z.enum(exportStatuses).openapi({ description: '`queued`, `running` (rows so far in `rows`), `completed` (download at `downloadPath` until `expiresAt`), `failed` (why in `failure`), `expired` (the file was removed)' }),
    rows: z.number().int().openapi({ description: 'Rows written so far; all of them once completed' }),
    columns: z.array(z.string()).openapi({ description: 'The columns your role’s export profile gives, once the run started' }),
    size: z.number().int().openapi({ description: 'Bytes of the finished file' }),
    fileName: z.string(),
    downloadPath: z.string().nullable().openapi({ description: 'Where the finished file is downloaded (GET, with your credentials); null until completed and once expired' }),
    failure: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string().datetime(),
    startedAt: z.string().datetime().nullable(),
    finishedAt: z.string().datetime().nullable(),
    expiresAt: z.string().datetime().nullable().openapi({ description: 'When the file is removed' }),
  })
  .openapi('Export', { description: 'An export made in the background: its request, progress and file.' });
