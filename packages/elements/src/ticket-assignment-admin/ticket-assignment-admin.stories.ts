import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createAdminMemoryApi } from '../test/admin-memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './ticket-assignment-admin.js';

/** Waits (with a deadline) until the element shows `selector`, then returns it. */
async function shown<T extends HTMLElement>(canvas: HTMLElement, selector: string): Promise<T> {
  const admin = canvas.querySelector('crm-ticket-assignment-admin')!;
  for (let i = 0; i < 300 && !admin.shadowRoot?.querySelector(selector); i++) await new Promise((r) => setTimeout(r, 20));
  return admin.shadowRoot!.querySelector<T>(selector)!;
}

const meta: Meta = {
  title: 'Elements/Ticket assignment admin',
  component: 'crm-ticket-assignment-admin',
  render: (_, { globals }) => withClient(createAdminMemoryApi().client, globals, html`<crm-ticket-assignment-admin></crm-ticket-assignment-admin>`),
};
export default meta;

type Story = StoryObj;

/** One rule: billing tickets go to Team Lisbon, its members in turn. */
export const Rules: Story = {};

/** A new rule saved without a team: the message sits beside the team, which has focus. */
export const Invalid: Story = {
  play: async ({ canvasElement }) => {
    (await shown<HTMLButtonElement>(canvasElement, '[data-add]')).click();
    (await shown<HTMLButtonElement>(canvasElement, 'form button[type="submit"]')).click();
    await shown(canvasElement, '.field-error');
  },
};

/** No rules yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createAdminMemoryApi({ assignmentRules: [] }).client, globals, html`<crm-ticket-assignment-admin></crm-ticket-assignment-admin>`) };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-ticket-assignment-admin></crm-ticket-assignment-admin>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-ticket-assignment-admin></crm-ticket-assignment-admin>`) };
