import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './customer-invite.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
// The double's first contact already has an active portal identity; the second has none.
const invited = hex(0x100000);
const notYet = hex(0x100001);

/** Waits (with a deadline) until the element shows `selector`, then returns it. */
async function shown<T extends HTMLElement>(canvas: HTMLElement, selector: string): Promise<T> {
  const invite = canvas.querySelector('crm-customer-invite')!;
  for (let i = 0; i < 300 && !invite.shadowRoot?.querySelector(selector); i++) await new Promise((r) => setTimeout(r, 20));
  return invite.shadowRoot!.querySelector<T>(selector)!;
}

const meta: Meta = {
  title: 'Elements/Customer invite',
  component: 'crm-customer-invite',
  args: { contactId: notYet },
  argTypes: { contactId: { control: 'text', description: 'The contact to invite' } },
  render: (args, { globals }) => withClient(createMemoryApi().client, globals, html`<crm-customer-invite contact-id=${String(args.contactId)}></crm-customer-invite>`),
};
export default meta;

type Story = StoryObj;

/** A contact without a portal identity: pick a role and invite. */
export const Invite: Story = {};

/** Invited as a customer case manager: the link is on its way. */
export const Invited: Story = {
  play: async ({ canvasElement }) => {
    const role = await shown<HTMLSelectElement>(canvasElement, '[data-field="role"]');
    role.value = 'customer_case_manager';
    role.dispatchEvent(new Event('change'));
    (await shown<HTMLButtonElement>(canvasElement, 'form button[type="submit"]')).click();
    await shown(canvasElement, '[part="identity"]');
  },
};

/** A contact who already uses the portal: role, status, last sign-in, and a new link on request. */
export const AlreadyACustomer: Story = { args: { contactId: invited } };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-customer-invite contact-id=${notYet}></crm-customer-invite>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-customer-invite contact-id=${notYet}></crm-customer-invite>`) };
