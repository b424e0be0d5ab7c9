import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { createMemoryApi } from '../test/memory-api.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import './contact-viewer.js';

interface ViewerArgs {
  contactId: string;
  noEdit: boolean;
}

const meta: Meta<ViewerArgs> = {
  title: 'Elements/Contact viewer',
  component: 'crm-contact-viewer',
  args: { contactId: '000000000000000000100001', noEdit: false },
  render: ({ contactId, noEdit }, { globals }) =>
    withClient(createMemoryApi().client, globals, html`<crm-contact-viewer contact-id=${contactId} ?no-edit=${noEdit}>
      <button slot="actions" type="button">Call</button>
    </crm-contact-viewer>`),
};
export default meta;

type Story = StoryObj<ViewerArgs>;

/** A contact's card with status actions and the timeline. */
export const Default: Story = {};

/** Read-only: no Edit button. */
export const ReadOnly: Story = { args: { noEdit: true } };

/** While loading. */
export const Loading: Story = { render: (_, { globals }) => withClient(pendingClient, globals, html`<crm-contact-viewer contact-id="x"></crm-contact-viewer>`) };

/** When the API cannot be reached. */
export const Error: Story = { render: (_, { globals }) => withClient(failingClient, globals, html`<crm-contact-viewer contact-id="x"></crm-contact-viewer>`) };

/** A contact with no activity yet: the timeline says so instead of staying blank. */
export const NoActivity: Story = {
  render: ({ contactId, noEdit }, { globals }) => {
    const memory = createMemoryApi({ timeline: [] });
    return withClient(memory.client, globals, html`<crm-contact-viewer contact-id=${contactId} ?no-edit=${noEdit}></crm-contact-viewer>`);
  },
};
