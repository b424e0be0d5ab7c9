import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { dashboardClient, forecastWidgets } from '../test/memory-dashboards.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './dashboard.js';

const meta: Meta = {
  title: 'Elements/Dashboard',
  component: 'crm-dashboard',
  render: (_, { globals }) => withClient(dashboardClient(), globals, html`<crm-dashboard></crm-dashboard>`),
};
export default meta;

type Story = StoryObj;

/** A sales person's dashboard: gauges against this month's and week's targets, the pipeline, and two charts. */
export const Default: Story = {};

/** Edit mode: each widget can move earlier or later or be removed, and the "New widget" form adds one. */
export const Editing: Story = {
  play: async ({ canvasElement }) => {
    const dashboard = canvasElement.querySelector('crm-dashboard')!;
    await dashboard.updateComplete;
    dashboard.shadowRoot!.querySelector<HTMLButtonElement>('[data-action="edit"]')!.click();
    await dashboard.updateComplete;
  },
};

/** A sales head's forecast: open deals' weighted amounts by expected close month, the next three months stacked by forecast category (commit, best case, pipeline). */
export const Forecast: Story = { render: (_, { globals }) => withClient(dashboardClient({ widgets: forecastWidgets }), globals, html`<crm-dashboard></crm-dashboard>`) };

/** A dashboard without widgets. */
export const Empty: Story = { render: (_, { globals }) => withClient(dashboardClient({ widgets: [] }), globals, html`<crm-dashboard></crm-dashboard>`) };

/** While the dashboard loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-dashboard></crm-dashboard>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-dashboard></crm-dashboard>`) };
