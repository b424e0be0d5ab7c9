import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createAdminMemoryApi, demoPipelines } from '../test/admin-memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './workflow-admin.js';

interface WorkflowArgs {
  workflowKey: string;
  pipelineId: string;
}

/** Waits (with a deadline) until the element shows `selector`, then returns it. */
async function shown<T extends HTMLElement>(canvas: HTMLElement, selector: string): Promise<T> {
  const admin = canvas.querySelector('crm-workflow-admin')!;
  for (let i = 0; i < 300 && !admin.shadowRoot?.querySelector(selector); i++) await new Promise((r) => setTimeout(r, 20));
  return admin.shadowRoot!.querySelector<T>(selector)!;
}

const meta: Meta<WorkflowArgs> = {
  title: 'Elements/Workflow admin',
  component: 'crm-workflow-admin',
  args: { workflowKey: 'lead', pipelineId: '' },
  argTypes: { workflowKey: { control: 'select', options: ['contact', 'customer', 'lead', 'callingTask', 'campaign'] } },
  render: ({ workflowKey, pipelineId }, { globals }) =>
    withClient(createAdminMemoryApi().client, globals, html`<crm-workflow-admin workflow-key=${workflowKey} pipeline-id=${pipelineId}></crm-workflow-admin>`),
};
export default meta;

type Story = StoryObj<WorkflowArgs>;

/** The lead workflow: states, the initial one, final ones, and where each may move. */
export const Lead: Story = {};

/** The calling-task workflow (a re-scheduled call may be re-scheduled again). */
export const CallingTask: Story = { args: { workflowKey: 'callingTask' } };

/** A pipeline's opportunity stages: order, win probability, open / won / lost. */
export const PipelineStages: Story = { args: { workflowKey: '', pipelineId: demoPipelines()[0]!.id } };

/** A new pipeline: one open stage, Won and Lost to start with. */
export const NewPipeline: Story = {
  play: async ({ canvasElement }) => {
    const picker = await shown<HTMLSelectElement>(canvasElement, '[data-field="workflow"]');
    picker.value = 'p:new';
    picker.dispatchEvent(new Event('change'));
    await shown(canvasElement, '[data-state="lost"]');
  },
};

/** A new state saved without a key or label: one message beside each, focus on the first. */
export const Invalid: Story = {
  play: async ({ canvasElement }) => {
    (await shown<HTMLButtonElement>(canvasElement, '[data-add]')).click();
    (await shown<HTMLButtonElement>(canvasElement, 'form button[type="submit"]')).click();
    await shown(canvasElement, '.field-error');
  },
};

/** No workflows (an API that lists none). */
export const Empty: Story = { args: { workflowKey: '' }, render: (_, { globals }) => withClient(createAdminMemoryApi({ workflows: [], pipelines: [] }).client, globals, html`<crm-workflow-admin></crm-workflow-admin>`) };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-workflow-admin></crm-workflow-admin>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-workflow-admin></crm-workflow-admin>`) };
