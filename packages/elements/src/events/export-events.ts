import type { ExportKind } from '../shared/api/exports.js';
import { CrmEvent } from './crm-event.js';

/** What an export handed to the browser: the kind, the format and the file's size in bytes. */
export interface ExportDownloadedDetail {
  kind: ExportKind;
  format: 'csv' | 'xlsx';
  size: number;
}

/** Fired by <crm-export-button> and <crm-export-list> when the export's file was made and handed to the browser. */
export class CrmExportDownloadedEvent extends CrmEvent<ExportDownloadedDetail> {
  static readonly eventName = 'crm-export-downloaded';
  constructor(detail: ExportDownloadedDetail) {
    super(CrmExportDownloadedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-export-downloaded': CrmExportDownloadedEvent;
  }
}
