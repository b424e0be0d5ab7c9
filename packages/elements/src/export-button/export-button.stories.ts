import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { until } from '../test/live-api.js';
import { createMemoryApi } from '../test/memory-api.js';
import type { MemoryExportsOptions } from '../test/memory-exports.js';
import { withClient } from '../test/story-provider.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import './export-button.js';

const kinds = ['contacts', 'leads', 'customers', 'opportunities', 'tasks', 'activities', 'tickets', 'campaigns'];

/** A client whose exports run in memory as `options` say (see test/memory-exports.ts). */
const client = (options: MemoryExportsOptions = {}) => createMemoryApi({ exports: options }).client as CrmDataClient;

/** Presses Export, as a person would, and waits until the button shows `selector`. */
const pressExport = (selector: string) => async ({ canvasElement }: { canvasElement: HTMLElement }) => {
  const button = canvasElement.querySelector('crm-export-button')!;
  await button.updateComplete;
  button.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!.click();
  await until(() => Boolean(button.shadowRoot!.querySelector(selector)), 8000, selector);
};

const meta: Meta = {
  title: 'Elements/Export button',
  component: 'crm-export-button',
  argTypes: { kind: { control: 'select', options: kinds } },
  args: { kind: 'leads' },
  render: (args, { globals }) => withClient(client(), globals, html`<crm-export-button kind=${args.kind}></crm-export-button>`),
};
export default meta;

type Story = StoryObj;

/** Before anything is asked: a format and the Export button. Pressing it runs an export of 1,234 leads in memory. */
export const Default: Story = {};

/** Asked for, waiting for a worker. */
export const Queued: Story = {
  render: (_, { globals }) => withClient(client({ holdAt: 'queued' }), globals, html`<crm-export-button kind="leads"></crm-export-button>`),
  play: pressExport('[part="progress"]'),
};

/** Running: the rows written so far, in the locale's digits. */
export const Running: Story = {
  render: (_, { globals }) => withClient(client({ holdAt: 'running', rows: { contacts: 25_000 } }), globals, html`<crm-export-button kind="contacts"></crm-export-button>`),
  play: pressExport('[part="progress"] span:not(:empty)'),
};

/** Finished and downloaded: "Download again" while the file lasts, and until when. */
export const Completed: Story = {
  render: (_, { globals }) => withClient(client(), globals, html`<crm-export-button kind="opportunities"></crm-export-button>`),
  play: pressExport('[part="again"]'),
};

/** The job failed: its reason. */
export const Failed: Story = {
  render: (_, { globals }) => withClient(client({ failure: 'The export stopped: the database did not answer in time. Try again.' }), globals, html`<crm-export-button kind="tickets"></crm-export-button>`),
  play: pressExport('.error'),
};

/** The file's time ran out (the API keeps it EXPORT_RETENTION_HOURS): export again for a new one. */
export const Expired: Story = {
  render: (_, { globals }) => withClient(client({ retentionHours: 0 }), globals, html`<crm-export-button kind="tasks"></crm-export-button>`),
  play: pressExport('.error'),
};

/** A role without export on the kind (a producer): the API's refusal. */
export const Refused: Story = {
  render: (_, { globals }) => withClient(client({ refused: ['leads'] }), globals, html`<crm-export-button kind="leads"></crm-export-button>`),
  play: pressExport('.error'),
};
