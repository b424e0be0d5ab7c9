import { CrmCalendar } from './calendar.component.js';

export { CrmCalendar } from './calendar.component.js';

CrmCalendar.define('crm-calendar');

declare global {
  interface HTMLElementTagNameMap {
    'crm-calendar': CrmCalendar;
  }
}
