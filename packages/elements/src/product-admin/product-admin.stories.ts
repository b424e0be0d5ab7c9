import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createAdminMemoryApi } from '../test/admin-memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './product-admin.js';

/** Waits (with a deadline) until the element shows `selector`, then returns it. */
async function shown<T extends HTMLElement>(canvas: HTMLElement, selector: string): Promise<T> {
  const admin = canvas.querySelector('crm-product-admin')!;
  for (let i = 0; i < 300 && !admin.shadowRoot?.querySelector(selector); i++) await new Promise((r) => setTimeout(r, 20));
  return admin.shadowRoot!.querySelector<T>(selector)!;
}

const meta: Meta = {
  title: 'Elements/Product admin',
  component: 'crm-product-admin',
  render: (_, { globals }) => withClient(createAdminMemoryApi().client, globals, html`<crm-product-admin></crm-product-admin>`),
};
export default meta;

type Story = StoryObj;

/** Products with their cycle: one active, one locked, one disabled. */
export const List: Story = {};

/** Editing a product: name, code, cycle, status, description. */
export const Editing: Story = {
  play: async ({ canvasElement }) => (await shown<HTMLButtonElement>(canvasElement, '[part="product"] button.pick')).click(),
};

/** A new product submitted empty: the message sits beside the name, which has focus. */
export const Invalid: Story = {
  play: async ({ canvasElement }) => {
    (await shown<HTMLButtonElement>(canvasElement, '[data-new]')).click();
    (await shown<HTMLButtonElement>(canvasElement, 'form button[type="submit"]')).click();
    await shown(canvasElement, '.field-error');
  },
};

/** Locking asks first. */
export const ConfirmLock: Story = {
  play: async ({ canvasElement }) => {
    (await shown<HTMLButtonElement>(canvasElement, '[part="lock-button"]')).click();
    await shown(canvasElement, 'dialog[part="confirm"]');
  },
};

/** No products yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createAdminMemoryApi({ products: [] }).client, globals, html`<crm-product-admin></crm-product-admin>`) };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-product-admin></crm-product-admin>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-product-admin></crm-product-admin>`) };
