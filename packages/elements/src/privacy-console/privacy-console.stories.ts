import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryPrivacy, failingPrivacyClient, pendingPrivacyClient } from '../test/memory-privacy.js';
import { withClient } from '../test/story-provider.js';
import './privacy-console.js';

/** Waits (with a deadline) until the console shows `selector`, then returns it. */
async function shown<T extends HTMLElement>(canvas: HTMLElement, selector: string): Promise<T> {
  const console_ = canvas.querySelector('crm-privacy-console')!;
  for (let i = 0; i < 300 && !console_.shadowRoot?.querySelector(selector); i++) await new Promise((r) => setTimeout(r, 20));
  return console_.shadowRoot!.querySelector<T>(selector)!;
}

async function lookUp(canvas: HTMLElement, email: string): Promise<void> {
  const input = await shown<HTMLInputElement>(canvas, '[data-field="email"]');
  input.value = email;
  input.dispatchEvent(new Event('input'));
  (await shown<HTMLButtonElement>(canvas, '[part="search"] button[type="submit"]')).click();
  await shown(canvas, '[part="held"]');
}

const meta: Meta = {
  title: 'Elements/Privacy console',
  component: 'crm-privacy-console',
  render: (_, { globals }) => withClient(createMemoryPrivacy().client, globals, html`<crm-privacy-console></crm-privacy-console>`),
};
export default meta;

type Story = StoryObj;

/** The look-up form and the request history. */
export const Console: Story = {};

/** A person found: what is held, per kind, the export as JSON or a ZIP of CSV files, the terms and privacy versions they accepted, and the erasure. */
export const PersonFound: Story = { play: async ({ canvasElement }) => lookUp(canvasElement, 'ada@example.org') };

/** Nobody on file under that address. */
export const NothingHeld: Story = { play: async ({ canvasElement }) => lookUp(canvasElement, 'nobody@example.org') };

/** No requests yet. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryPrivacy({ empty: true }).client, globals, html`<crm-privacy-console></crm-privacy-console>`) };

/** While loading the history. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingPrivacyClient, globals, html`<crm-privacy-console></crm-privacy-console>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingPrivacyClient, globals, html`<crm-privacy-console></crm-privacy-console>`) };
