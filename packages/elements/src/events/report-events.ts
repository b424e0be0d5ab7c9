import type { Report } from '../shared/api/reports.js';
import { CrmEvent } from './crm-event.js';

/** Fired after `<crm-report>` saved a report or its schedule; `detail.report` is the API's record. */
export class CrmReportSavedEvent extends CrmEvent<{ report: Report }> {
  static readonly eventName = 'crm-report-saved';
  constructor(detail: { report: Report }) {
    super(CrmReportSavedEvent.eventName, detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'crm-report-saved': CrmReportSavedEvent;
  }
}
