import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import './gauge.js';

const meta: Meta = {
  title: 'Elements/Gauge',
  component: 'crm-gauge',
  args: { value: 12500, target: 20000, label: 'Won revenue, December', format: 'currency' },
  argTypes: { format: { control: 'inline-radio', options: ['number', 'currency', 'percent'] } },
  render: (args) =>
    html`<crm-gauge .value=${Number(args['value'])} .target=${Number(args['target'])} label=${String(args['label'])} format=${String(args['format'])}></crm-gauge>`,
};
export default meta;

type Story = StoryObj;

/** A rep's won revenue against the month's quota: 62.5 % of the ring filled. */
export const Default: Story = {};

/** Past the target: the ring is full and the share says by how much (150 %). */
export const OverTarget: Story = { args: { value: 30, target: 20, label: 'Calls this week', format: 'number' } };

/** No target set for the period: the value alone, the ring empty. */
export const NoTarget: Story = { args: { value: 42, target: 0, label: 'Leads imported this month', format: 'number' } };

/** A rate in percent, e.g. a campaign's open rate against the marketing team's goal. */
export const Percent: Story = { args: { value: 37.5, target: 45, label: 'Open rate', format: 'percent' } };
