import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CrmTaskScope } from './task-list.component.js';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './task-list.js';

interface TaskArgs {
  scope: CrmTaskScope;
  noScope: boolean;
}

const meta: Meta<TaskArgs> = {
  title: 'Elements/Task list',
  component: 'crm-task-list',
  args: { scope: 'mine', noScope: false },
  argTypes: { scope: { control: 'inline-radio', options: ['mine', 'team'] } },
  render: ({ scope, noScope }, { globals }) =>
    withClient(createMemoryApi().client, globals, html`<crm-task-list scope=${scope} ?no-scope=${noScope}></crm-task-list>`),
};
export default meta;

type Story = StoryObj<TaskArgs>;

/** My open tasks by due date, calling tasks with their transitions. */
export const Mine: Story = {};

/** Everything my team has open. */
export const Team: Story = { args: { scope: 'team' } };

/** Nothing to do. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryApi({ tasks: [] }).client, globals, html`<crm-task-list></crm-task-list>`) };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-task-list></crm-task-list>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-task-list></crm-task-list>`) };

/** Re-schedule of a scheduled call asks for the new due date and time (saved with the move). */
export const Reschedule: Story = {
  play: async ({ canvasElement }) => {
    const list = canvasElement.querySelector('crm-task-list')!;
    for (let i = 0; i < 300 && !list.shadowRoot?.querySelector('[data-to="rescheduled"]'); i++) await new Promise((r) => setTimeout(r, 20));
    list.shadowRoot!.querySelector<HTMLButtonElement>('[data-to="rescheduled"]')!.click();
  },
};

/** "New task" open: title, kind, due time, the record it is about and the assignee; Enter creates it. */
export const NewTask: Story = {
  play: async ({ canvasElement }) => {
    const list = canvasElement.querySelector('crm-task-list')!;
    for (let i = 0; i < 300 && !list.shadowRoot?.querySelector('[part="new-task-button"]'); i++) await new Promise((r) => setTimeout(r, 20));
    list.shadowRoot!.querySelector<HTMLButtonElement>('[part="new-task-button"]')!.click();
  },
};
