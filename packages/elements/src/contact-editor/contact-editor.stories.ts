import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CustomFieldDefinition } from '../shared/api/types.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './contact-editor.js';

interface EditorArgs {
  contactId: string;
  noAssignment: boolean;
}

const meta: Meta<EditorArgs> = {
  title: 'Elements/Contact editor',
  component: 'crm-contact-editor',
  args: { contactId: '', noAssignment: false },
  argTypes: { contactId: { control: 'text', description: 'Empty creates a contact; try 000000000000000000100001' } },
  render: ({ contactId, noAssignment }, { globals }) =>
    withClient(createMemoryApi().client, globals, html`<crm-contact-editor contact-id=${contactId} ?no-assignment=${noAssignment}></crm-contact-editor>`),
};
export default meta;

type Story = StoryObj<EditorArgs>;

/** A new contact. */
export const Create: Story = {};

/** An existing contact, loaded by id. */
export const Edit: Story = { args: { contactId: '000000000000000000100001' } };

/** The API refuses the save: its per-field errors show beside the fields. */
export const ServerValidation: Story = {
  args: { contactId: '000000000000000000100002' },
  render: ({ contactId }, { globals }) => {
    const memory = createMemoryApi();
    memory.failNext('PATCH', /contacts/, new MemoryApiError(400, 'validation_failed', '2 fields are not valid', {
      errors: [
        { field: 'emails.0.value', code: 'invalid_format', message: 'must be an email address' },
        { field: 'lastName', code: 'too_small', message: 'must not be empty' },
      ],
    }));
    return withClient(memory.client, globals, html`<crm-contact-editor contact-id=${contactId}></crm-contact-editor>`);
  },
};

/** Someone else saved first: press Save to see the conflict message and its two ways out. */
export const Conflict: Story = {
  args: { contactId: '000000000000000000100003' },
  render: ({ contactId }, { globals }) => {
    const memory = createMemoryApi();
    const current = { ...memory.contacts[3]!, jobTitle: 'Changed by Sam', version: 7 };
    memory.failNext('PATCH', /contacts/, new MemoryApiError(409, 'version_conflict', 'The contact changed', { current }));
    return withClient(memory.client, globals, html`<crm-contact-editor contact-id=${contactId}></crm-contact-editor>`);
  },
};

/** The tenant's custom attributes (select, yes/no, number, date, several choices) render by type. */
export const CustomAttributes: Story = {
  render: (_, { globals }) => {
    const customFields: CustomFieldDefinition[] = [
      { key: 'region', label: 'Region', type: 'select', options: ['North', 'South'], required: true },
      { key: 'vip', label: 'VIP', type: 'boolean', options: [], required: false },
      { key: 'seats', label: 'Seats', type: 'number', options: [], required: false },
      { key: 'renewal', label: 'Renewal', type: 'date', options: [], required: false },
      { key: 'channels', label: 'Channels', type: 'multiselect', options: ['Email', 'Phone', 'Post'], required: false },
    ];
    return withClient(createMemoryApi({ customFields }).client, globals, html`<crm-contact-editor></crm-contact-editor>`);
  },
};

/** While the contact and the tenant's fields load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-contact-editor contact-id="x"></crm-contact-editor>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-contact-editor contact-id="x"></crm-contact-editor>`) };
