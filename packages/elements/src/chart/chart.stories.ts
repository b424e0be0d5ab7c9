import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CrmChartSeries } from './chart-data.js';
import './chart.js';

const months = ['2026-07-01', '2026-08-01', '2026-09-01', '2026-10-01', '2026-11-01', '2026-12-01'];
const series = (label: string, values: number[]): CrmChartSeries => ({ key: label.toLowerCase(), label, points: values.map((value, i) => ({ periodStart: months[i]!, value })) });
const byRep = [series('Ada', [12000, 15500, 9800, 17250, 21000, 18400]), series('Ben', [8000, 9100, 12400, 10100, 9900, 14300]), series('Cleo', [4000, 6100, 5200, 7700, 8300, 9900])];
const stages: CrmChartSeries[] = [
  ['Lead', 420],
  ['Qualified', 190],
  ['Proposal', 85],
  ['Negotiation', 41],
  ['Won', 23],
].map(([label, value]) => ({ key: String(label).toLowerCase(), label: String(label), points: [{ periodStart: '2026-12-01', value: Number(value) }] }));

const meta: Meta = {
  title: 'Elements/Chart',
  component: 'crm-chart',
  args: { kind: 'line', label: 'Won revenue by sales person', format: 'currency', period: 'month', series: byRep },
  argTypes: { kind: { control: 'inline-radio', options: ['line', 'bar', 'stacked', 'funnel', 'pie'] } },
  render: (args) =>
    html`<crm-chart kind=${String(args['kind'])} label=${String(args['label'])} format=${String(args['format'])} period=${String(args['period'])} .series=${args['series'] as CrmChartSeries[]}></crm-chart>`,
};
export default meta;

type Story = StoryObj;

/** Won revenue per sales person, month by month. */
export const Line: Story = {};

/** The same figures as grouped bars. */
export const Bar: Story = { args: { kind: 'bar' } };

/** Stacked: the team's total and each person's part of it. */
export const Stacked: Story = { args: { kind: 'stacked', label: 'Team revenue' } };

/** The pipeline as a funnel: deals per stage, in stage order. */
export const Funnel: Story = { args: { kind: 'funnel', label: 'Deals by stage', format: 'number', series: stages } };

/** Each person's share of the half year's revenue. */
export const Pie: Story = { args: { kind: 'pie', label: 'Share of revenue' } };

/** The figures as a table for everyone (the toggle pressed). */
export const Table: Story = {
  render: (args) => html`<crm-chart show-table kind="bar" label=${String(args['label'])} format="currency" .series=${byRep}></crm-chart>`,
};

/** No figures for the period. */
export const Empty: Story = { args: { series: [] } };
