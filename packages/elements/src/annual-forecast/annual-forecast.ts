import { CrmAnnualForecast } from './annual-forecast.component.js';

export { CrmAnnualForecast } from './annual-forecast.component.js';

CrmAnnualForecast.define('crm-annual-forecast');

declare global {
  interface HTMLElementTagNameMap {
    'crm-annual-forecast': CrmAnnualForecast;
  }
}
