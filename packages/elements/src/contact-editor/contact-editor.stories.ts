import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { CustomFieldDefinition } from '../shared/api/types.js';
import { createMemoryApi, makeCustomField, MemoryApiError } from '../test/memory-api.js';
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
    memory.failNext('PATCH', /contacts/, new MemoryApiError(412, 'precondition_failed', 'The contact changed', { current }));
    return withClient(memory.client, globals, html`<crm-contact-editor contact-id=${contactId}></crm-contact-editor>`);
  },
};

/** The tenant's custom attributes (select, yes/no, number, date, several choices) render by type. */
export const CustomAttributes: Story = {
  render: (_, { globals }) => {
    const customFields: CustomFieldDefinition[] = [
      makeCustomField(1, { key: 'region', label: 'Region', type: 'select', options: ['North', 'South'], required: true }),
      makeCustomField(2, { key: 'vip', label: 'VIP', type: 'boolean' }),
      makeCustomField(3, { key: 'seats', label: 'Seats', type: 'number' }),
      makeCustomField(4, { key: 'renewal', label: 'Renewal', type: 'date' }),
      makeCustomField(5, { key: 'channels', label: 'Channels', type: 'multiselect', options: ['Email', 'Phone', 'Post'] }),
    ];
    return withClient(createMemoryApi({ customFields }).client, globals, html`<crm-contact-editor></crm-contact-editor>`);
  },
};

/** A small picture, drawn here so the story needs no file. */
async function demoPicture(): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 96;
  const context = canvas.getContext('2d')!;
  context.fillStyle = '#2980b9';
  context.fillRect(0, 0, 96, 96);
  context.fillStyle = '#fff';
  context.font = '40px sans-serif';
  context.fillText('GH', 18, 62);
  const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
  return new File([blob], 'grace.png', { type: 'image/png' });
}

/** Picks `file` in the editor's picture field, as a person would. */
async function pickPicture(canvasElement: HTMLElement, file: File): Promise<void> {
  const editor = canvasElement.querySelector('crm-contact-editor')!;
  for (let i = 0; i < 300 && !editor.shadowRoot?.querySelector('input[type="file"]'); i++) await new Promise((r) => setTimeout(r, 20));
  const input = editor.shadowRoot!.querySelector<HTMLInputElement>('input[type="file"]')!;
  const files = new DataTransfer();
  files.items.add(file);
  input.files = files.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  for (let i = 0; i < 300 && !editor.shadowRoot!.querySelector('[aria-busy="true"], #picture-error, img[part="picture"]'); i++) await new Promise((r) => setTimeout(r, 20));
}

/** A picture was picked for a saved contact and is uploading (`crm.contacts.uploadPicture`): the preview shows meanwhile. */
export const PictureUploading: Story = {
  args: { contactId: '000000000000000000100004' },
  render: ({ contactId }, { globals }) => {
    const memory = createMemoryApi();
    memory.holdNext('PUT', /picture$/);
    return withClient(memory.client, globals, html`<crm-contact-editor contact-id=${contactId}></crm-contact-editor>`);
  },
  play: async ({ canvasElement }) => pickPicture(canvasElement, await demoPicture()),
};

/** The API refused the picked file (415: not a PNG, JPEG, WebP or GIF image): the error shows on the picture field. */
export const PictureRefused: Story = {
  args: { contactId: '000000000000000000100005' },
  play: async ({ canvasElement }) => pickPicture(canvasElement, new File(['not a picture'], 'notes.png', { type: 'image/png' })),
};

/** A contact with an uploaded picture, shown from its `pictureUrl`, with "Remove picture". */
export const WithPicture: Story = {
  args: { contactId: '000000000000000000100006' },
  render: ({ contactId }, { globals }) => {
    const memory = createMemoryApi();
    const contact = memory.contacts[6]!;
    contact.pictureUrl = 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';
    return withClient(memory.client, globals, html`<crm-contact-editor contact-id=${contactId}></crm-contact-editor>`);
  },
};

/** While the contact and the tenant's fields load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-contact-editor contact-id="x"></crm-contact-editor>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-contact-editor contact-id="x"></crm-contact-editor>`) };
