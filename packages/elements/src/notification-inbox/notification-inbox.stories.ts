import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import type { Notification } from '@crm/client-sdk';
import { createMemoryApi } from '../test/memory-api.js';
import { makeNotification } from '../test/memory-notifications.js';
import { failingClient, pendingClient, withClient } from '../test/story-provider.js';
import type { CrmDataClient } from '../shared/api/transport.js';
import './notification-inbox.js';

const hour = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** What lands in a sales person's inbox: an import's summary, a finished export, a campaign, a reminder; newest first. */
const seed: Notification[] = [
  makeNotification(1, {
    category: 'import.completed', title: 'Import of leads.csv finished: 98,000 created, 0 updated', createdAt: ago(4 * 60_000),
    body: '98,000 leads created, 0 updated, 0 skipped, 12 failed. The error file lists the failed rows and why.', link: '/imports/0000000000000000001e0001', resource: 'import',
  }),
  makeNotification(2, { createdAt: ago(2 * hour) }),
  makeNotification(3, { category: 'campaign.activated', title: 'Your campaign "Spring fair" is now active', body: '', link: null, resource: 'campaign', createdAt: ago(26 * hour) }),
  makeNotification(4, { category: 'calendar.reminder', title: 'Reminder: Demo for Bletchley Works', body: 'Thu 10:00 (Europe/Berlin)', link: null, read: true, readAt: ago(40 * hour), createdAt: ago(48 * hour) }),
  ...Array.from({ length: 30 }, (_, n) => makeNotification(10 + n, { read: true, readAt: ago((60 + n) * hour), createdAt: ago((72 + n * 24) * hour) })),
];

const client = (notifications = seed) => createMemoryApi({ notifications: { seed: notifications } }).client as CrmDataClient;

interface InboxArgs {
  open: boolean;
  linkBase: string;
  limit: number;
}

/** The bell at the end of a header bar, as a host puts it (its panel shifts to stay inside the viewport). */
const inbox = (args: InboxArgs) =>
  html`<div style="display: flex; justify-content: flex-end"><crm-notification-inbox ?open=${args.open} link-base=${args.linkBase} limit=${args.limit}></crm-notification-inbox></div>`;

const meta: Meta<InboxArgs> = {
  title: 'Elements/Notification inbox',
  component: 'crm-notification-inbox',
  argTypes: {
    open: { control: 'boolean' },
    linkBase: { control: 'text', name: 'link-base' },
    limit: { control: { type: 'number', min: 1, max: 200 } },
  },
  // `#` keeps a followed link on the story's page.
  args: { open: false, linkBase: '#', limit: 10 },
  render: (args, { globals }) => withClient(client(), globals, inbox(args)),
};
export default meta;

type Story = StoryObj<InboxArgs>;

/** The bell with the unread count; press it for the panel. */
export const Default: Story = {};

/** Open: unread ones marked, each with its link (when it has one) and "Mark read"; "Load more" pages back. */
export const Open: Story = { args: { open: true } };

/** Nothing unread: the bell without a count; the panel with every notification read. */
export const AllRead: Story = {
  args: { open: true },
  render: (args, { globals }) => withClient(client(seed.map((n) => ({ ...n, read: true, readAt: n.readAt ?? n.createdAt }))), globals, inbox(args)),
};

/** An inbox nothing has landed in yet. */
export const Empty: Story = { args: { open: true }, render: (args, { globals }) => withClient(client([]), globals, inbox(args)) };

/** While the inbox loads. */
export const Loading: Story = { args: { open: true }, render: (args, { globals }) => withClient(pendingClient, globals, inbox(args)) };

/** When the API cannot be reached: an error with "Try again". */
export const Error: Story = { args: { open: true }, render: (args, { globals }) => withClient(failingClient, globals, inbox(args)) };
