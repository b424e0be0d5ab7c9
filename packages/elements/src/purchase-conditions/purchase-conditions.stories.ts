import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryPurchaseConditions, failingPurchaseConditionsClient, pendingPurchaseConditionsClient } from '../test/memory-purchase-conditions.js';
import { withClient } from '../test/story-provider.js';
import './purchase-conditions.js';

const meta: Meta = {
  title: 'Elements/Purchase conditions',
  component: 'crm-purchase-conditions',
  render: (_, { globals }) => {
    const memory = createMemoryPurchaseConditions();
    return withClient(memory.client, globals, html`<crm-purchase-conditions account-id=${memory.accountId}></crm-purchase-conditions>`);
  },
};
export default meta;

type Story = StoryObj;

/** An account invoiced monthly with its price book, a price adjuster, its payment behaviour and the credit limit the agency's rule calculates, step by step. */
export const Editable: Story = {};

/** A role that may read the account but not change it: the save answers 403, the credit is not shown, the form is read-only. */
export const ReadOnlyForRole: Story = {
  render: (_, { globals }) => {
    const memory = createMemoryPurchaseConditions({ forbidden: true });
    return withClient(memory.client, globals, html`<crm-purchase-conditions account-id=${memory.accountId}></crm-purchase-conditions>`);
  },
};

/** Shown read-only by the host page (`readonly`). */
export const ReadOnly: Story = {
  render: (_, { globals }) => {
    const memory = createMemoryPurchaseConditions();
    return withClient(memory.client, globals, html`<crm-purchase-conditions readonly account-id=${memory.accountId}></crm-purchase-conditions>`);
  },
};

/** While the account loads. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingPurchaseConditionsClient, globals, html`<crm-purchase-conditions account-id="00000000000000000000a001"></crm-purchase-conditions>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingPurchaseConditionsClient, globals, html`<crm-purchase-conditions account-id="00000000000000000000a001"></crm-purchase-conditions>`) };
