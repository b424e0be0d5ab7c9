import type { Dashboard } from '../shared/api/dashboards.js';
import { CrmEvent } from './crm-event.js';

/** Fired after `<crm-dashboard>` saved its layout; `detail.dashboard` is the API's record (a new personal copy when the user could not change the one shown). */
export class CrmDashboardSavedEvent extends CrmEvent<{ dashboard: Dashboard }> {
  static readonly eventName = 'crm-dashboard-saved';
  constructor(detail: { dashboard: Dashboard }) {
    super(CrmDashboardSavedEvent.eventName, detail);
  }
}
