import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { reportClient } from '../test/memory-reports.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './report.js';

const meta: Meta = {
  title: 'Elements/Report',
  component: 'crm-report',
  render: (_, { globals }) => withClient(reportClient(), globals, html`<crm-report report-id="r1"></crm-report>`),
};
export default meta;

type Story = StoryObj;

/** A saved report of the user's own: won revenue and deals by sales person per month, as a chart and a table, with downloads and a weekly email. */
export const Default: Story = {};

/** A report shared with the user: they see their own figures in it, and its owner keeps its schedule. */
export const Shared: Story = { render: (_, { globals }) => withClient(reportClient(), globals, html`<crm-report report-id="r2"></crm-report>`) };

/** Building a report: kind, measure, grouping, period and span, then "Show" and "Save report". */
export const Builder: Story = {
  render: (_, { globals }) => withClient(reportClient(), globals, html`<crm-report></crm-report>`),
  play: async ({ canvasElement }) => {
    const report = canvasElement.querySelector('crm-report')!;
    await report.updateComplete;
    report.shadowRoot!.querySelector<HTMLFormElement>('[part="builder"]')?.requestSubmit();
    // Until the built report's table shows (the in-memory API answers at once; a frame or two).
    for (const deadline = Date.now() + 5000; !report.shadowRoot!.querySelector('[part="table"]') && Date.now() < deadline; ) await new Promise((resolve) => requestAnimationFrame(resolve));
  },
};

/** A span without figures. */
export const NoRows: Story = { render: (_, { globals }) => withClient(reportClient({ noRows: true }), globals, html`<crm-report report-id="r1"></crm-report>`) };

/** While the reports load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-report></crm-report>`) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-report></crm-report>`) };
