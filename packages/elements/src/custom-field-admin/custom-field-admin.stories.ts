import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { customFieldResources } from '../shared/api/admin.js';
import { createAdminMemoryApi } from '../test/admin-memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './custom-field-admin.js';

interface FieldArgs {
  resource: string;
  noResourcePicker: boolean;
}

/** Waits (with a deadline) until the element shows `selector`, then returns it. */
async function shown<T extends HTMLElement>(canvas: HTMLElement, selector: string): Promise<T> {
  const admin = canvas.querySelector('crm-custom-field-admin')!;
  for (let i = 0; i < 300 && !admin.shadowRoot?.querySelector(selector); i++) await new Promise((r) => setTimeout(r, 20));
  return admin.shadowRoot!.querySelector<T>(selector)!;
}

const meta: Meta<FieldArgs> = {
  title: 'Elements/Custom field admin',
  component: 'crm-custom-field-admin',
  args: { resource: 'contact', noResourcePicker: false },
  argTypes: { resource: { control: 'select', options: [...customFieldResources] } },
  render: ({ resource, noResourcePicker }, { globals }) =>
    withClient(createAdminMemoryApi().client, globals, html`<crm-custom-field-admin resource=${resource} ?no-resource-picker=${noResourcePicker}></crm-custom-field-admin>`),
};
export default meta;

type Story = StoryObj<FieldArgs>;

/** The custom fields of contacts. */
export const Contacts: Story = {};

/** The fields of leads, with the picker hidden (the host chooses). */
export const LeadsOnly: Story = { args: { resource: 'lead', noResourcePicker: true } };

/** Editing a choice field: its options, one per line. */
export const EditingChoice: Story = {
  play: async ({ canvasElement }) => (await shown<HTMLButtonElement>(canvasElement, '[data-key="region"] button.pick')).click(),
};

/** A new field with a key the API would refuse: the message sits beside the key, which has focus. */
export const InvalidKey: Story = {
  play: async ({ canvasElement }) => {
    (await shown<HTMLButtonElement>(canvasElement, '[data-new]')).click();
    const key = await shown<HTMLInputElement>(canvasElement, '[data-field="key"]');
    key.value = '9lives';
    key.dispatchEvent(new Event('input'));
    (await shown<HTMLButtonElement>(canvasElement, 'form button[type="submit"]')).click();
    await shown(canvasElement, '.field-error');
  },
};

/** Deleting asks first. */
export const ConfirmDelete: Story = {
  play: async ({ canvasElement }) => {
    (await shown<HTMLButtonElement>(canvasElement, '[part="delete-button"]')).click();
    await shown(canvasElement, 'dialog[part="confirm"]');
  },
};

/** No fields for this record type yet. */
export const Empty: Story = { args: { resource: 'task' } };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-custom-field-admin></crm-custom-field-admin>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-custom-field-admin></crm-custom-field-admin>`) };
