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

/** The campaigns that reached the contact: our own sends with what the contact did, and a Mailwizz campaign (only unsubscribes reported). */
export const WithCampaigns: Story = {
  render: ({ contactId, noEdit }, { globals }) => {
    const memory = createMemoryApi({
      campaignEngagement: {
        [contactId]: [
          { campaignId: '000000000000000000c00001', title: 'Spring webinar', source: 'email', sentAt: '2026-03-02T08:00:00.000Z', sent: true, delivered: true, opened: true, clicked: true, links: ['https://agency.example/register'], bounced: null, replied: true, unsubscribed: false },
          { campaignId: '000000000000000000c00002', title: 'Trade fair Lisbon', source: 'email', sentAt: '2026-02-10T08:00:00.000Z', sent: true, delivered: false, opened: false, clicked: false, links: [], bounced: 'soft', replied: false, unsubscribed: false },
          { campaignId: '000000000000000000c00003', title: 'Spring newsletter', source: 'mailwizz', sentAt: '2026-01-20T08:00:00.000Z', sent: true, delivered: null, opened: null, clicked: null, links: [], bounced: null, replied: null, unsubscribed: true },
        ],
      },
    });
    return withClient(memory.client, globals, html`<crm-contact-viewer contact-id=${contactId} ?no-edit=${noEdit}></crm-contact-viewer>`);
  },
};
