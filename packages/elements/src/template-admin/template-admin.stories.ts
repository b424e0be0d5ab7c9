import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createAdminMemoryApi } from '../test/admin-memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './template-admin.js';

/** Waits (with a deadline) until the element shows `selector`, then returns it. */
async function shown<T extends HTMLElement>(canvas: HTMLElement, selector: string): Promise<T> {
  const admin = canvas.querySelector('crm-template-admin')!;
  for (let i = 0; i < 300 && !admin.shadowRoot?.querySelector(selector); i++) await new Promise((r) => setTimeout(r, 20));
  return admin.shadowRoot!.querySelector<T>(selector)!;
}

const meta: Meta = {
  title: 'Elements/Template admin',
  component: 'crm-template-admin',
  render: (_, { globals }) => withClient(createAdminMemoryApi().client, globals, html`<crm-template-admin></crm-template-admin>`),
};
export default meta;

type Story = StoryObj;

/** The agency's message templates. */
export const List: Story = {};

/** Editing a template: subject and body in handlebars, merge field buttons, the preview panel. */
export const Editing: Story = {
  play: async ({ canvasElement }) => (await shown<HTMLButtonElement>(canvasElement, '[part="template"] button.pick')).click(),
};

/** The saved template rendered by the API for a contact found by name. */
export const Preview: Story = {
  play: async ({ canvasElement }) => {
    (await shown<HTMLButtonElement>(canvasElement, '[part="template"] button.pick')).click();
    const search = await shown<HTMLInputElement>(canvasElement, '#preview-search');
    search.value = 'Ada';
    search.dispatchEvent(new Event('input'));
    search.form!.requestSubmit();
    (await shown<HTMLButtonElement>(canvasElement, '[data-preview]')).click();
    await shown(canvasElement, '[data-rendered]');
  },
};

/** A new template submitted empty: one message beside each required part, focus on the first. */
export const Invalid: Story = {
  play: async ({ canvasElement }) => {
    (await shown<HTMLButtonElement>(canvasElement, '[data-new]')).click();
    (await shown<HTMLButtonElement>(canvasElement, 'form.editor button[type="submit"]')).click();
    await shown(canvasElement, '.field-error');
  },
};

/** No templates yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createAdminMemoryApi({ templates: [] }).client, globals, html`<crm-template-admin></crm-template-admin>`) };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-template-admin></crm-template-admin>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-template-admin></crm-template-admin>`) };
