import { CrmGauge } from './gauge.component.js';

export { CrmGauge, type CrmGaugeFormat } from './gauge.component.js';

CrmGauge.define('crm-gauge');

declare global {
  interface HTMLElementTagNameMap {
    'crm-gauge': CrmGauge;
  }
}
