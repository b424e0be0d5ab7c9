import { CrmChart } from './chart.component.js';

export { CrmChart, type CrmChartKind, type CrmChartSeries, type CrmChartPeriod } from './chart.component.js';

CrmChart.define('crm-chart');

declare global {
  interface HTMLElementTagNameMap {
    'crm-chart': CrmChart;
  }
}
