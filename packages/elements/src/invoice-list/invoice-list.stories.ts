import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryInvoices, failingInvoicesClient, pendingInvoicesClient } from '../test/memory-invoices.js';
import { withClient } from '../test/story-provider.js';
import './invoice-list.js';

const account = '00000000000000000000a001';

const meta: Meta = {
  title: 'Elements/Invoice list',
  component: 'crm-invoice-list',
  render: (_, { globals }) => withClient(createMemoryInvoices().client, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`),
};
export default meta;

type Story = StoryObj;

/** An account's invoices: open, partially paid, overdue (highlighted, with its days late) and paid. */
export const Invoices: Story = {};

/** An account without invoices. */
export const Empty: Story = { render: (_, { globals }) => withClient(createMemoryInvoices({ empty: true }).client, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`) };

/** While the invoices load. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingInvoicesClient, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingInvoicesClient, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`) };

/** A crash left two of the account's invoice emails uncertain: the notice offers to send them again, once. */
export const UncertainMail: Story = { render: (_, { globals }) => withClient(createMemoryInvoices({ uncertain: true }).client, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`) };

/**
 * Corrections: the newest invoice was voided (its reason under it), the partly paid one has a credit note
 * (listed under it with its PDF). "Void" opens a confirm dialog with the reason; "Credit note" credits all
 * that is left or a part typed as the locale writes decimals; a credit over what is left shows the API's
 * problem on the amount.
 */
export const VoidAndCreditNotes: Story = { render: (_, { globals }) => withClient(createMemoryInvoices({ corrected: true }).client, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`) };

/**
 * Credit by line: INV-000003's consulting hours were credited one hour already. "Credit note" → "By line"
 * lists each line with its unit price, the quantity invoiced and already credited, and a quantity to credit
 * (here 2.5 hours): the credit note's total is previewed as the API computes it (tax per rate, rounded in
 * cents). More than is left of a line shows the problem beside it.
 */
export const CreditByLine: Story = {
  render: (_, { globals }) => withClient(createMemoryInvoices({ lineCredited: true }).client, globals, html`<crm-invoice-list account-id=${account}></crm-invoice-list>`),
  play: async ({ canvasElement }) => {
    const list = canvasElement.querySelector('crm-invoice-list')!;
    const root = list.shadowRoot!;
    const deadline = Date.now() + 4000;
    while (!root.querySelector('[data-credit-note]') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    root.querySelector<HTMLButtonElement>('tr[data-invoice="000000000000000000001003"] [data-credit]')!.click();
    await list.updateComplete;
    root.querySelector<HTMLInputElement>('[data-scope="lines"]')!.click();
    await list.updateComplete;
    const hours = root.querySelector<HTMLInputElement>('[data-line-quantity="0"]')!;
    hours.value = list.closest('crm-provider')?.getAttribute('locale') === 'de' ? '2,5' : '2.5';
    hours.dispatchEvent(new Event('input'));
    await list.updateComplete;
  },
};
