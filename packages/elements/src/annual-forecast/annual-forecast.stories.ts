import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryForecasts, failingForecastsClient, pendingForecastsClient } from '../test/memory-forecasts.js';
import { withClient } from '../test/story-provider.js';
import './annual-forecast.js';

const filled = createMemoryForecasts();

const meta: Meta = {
  title: 'Elements/Annual forecast',
  component: 'crm-annual-forecast',
  args: { year: 2027 },
  render: (args, { globals }) => withClient(filled.client, globals, html`<crm-annual-forecast owner-id=${filled.ownerId} year=${args.year as number}></crm-annual-forecast>`),
};
export default meta;

type Story = StoryObj;

/** An account manager's year: a plan in each pillar, deals won in the first three months; they may edit it. */
export const Owner: Story = {};

/** A forecast the signed-in person may read but not enter (e.g. a colleague's, seen by an admin's assistant). */
export const ReadOnly: Story = {
  render: (_, { globals }) => {
    const readOnly = createMemoryForecasts({ editable: false });
    return withClient(readOnly.client, globals, html`<crm-annual-forecast owner-id=${readOnly.ownerId} year="2027"></crm-annual-forecast>`);
  },
};

/** A year nobody has entered yet. */
export const Empty: Story = {
  render: (_, { globals }) => {
    const empty = createMemoryForecasts({ empty: true });
    return withClient(empty.client, globals, html`<crm-annual-forecast owner-id=${empty.ownerId} year="2027"></crm-annual-forecast>`);
  },
};

/** While the figures load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingForecastsClient, globals, html`<crm-annual-forecast year="2027"></crm-annual-forecast>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingForecastsClient, globals, html`<crm-annual-forecast year="2027"></crm-annual-forecast>`) };
