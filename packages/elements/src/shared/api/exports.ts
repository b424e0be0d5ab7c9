// What <crm-export-button> asks of the API, through the SDK's record resources: the role's export of a
// kind as CSV text or an .xlsx Blob (the columns and records are the role's export profile, decided by the API).
import type { CrmDataClient } from './transport.js';

/** The record kinds an export button may export. */
export type ExportKind = 'leads' | 'contacts';

/** The role's export of `kind` in `format`, as a Blob ready to download. */
export async function exportRecords(client: CrmDataClient, kind: ExportKind, format: 'csv' | 'xlsx'): Promise<Blob> {
  const resource = client[kind];
  if (format === 'xlsx') return resource.exportXlsx();
  return new Blob([await resource.export()], { type: 'text/csv;charset=utf-8' });
}
