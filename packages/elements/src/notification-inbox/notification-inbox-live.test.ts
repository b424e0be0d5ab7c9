// <crm-notification-inbox> against the real API with its Agenda jobs and realtime running (the first-day
// API, see test/first-day-agency.ts; the API the other browser tests share runs no jobs). A background
// export of leads finishes, the API's job puts "Your export … is ready" in the user's inbox and pushes it:
// the bell's count goes up without a reload, the panel shows it with its link, and following the link
// (routed by the host) marks it read on the API.
import { expect, fixture, html } from '@open-wc/testing';
import '../provider/provider.js';
import type { NotificationOpenDetail } from '../events/notification-events.js';
import { expectAccessible } from '../test/axe.js';
import { jobsAgency } from '../test/first-day-agency.js';
import { until } from '../test/live-api.js';
import type { CrmNotificationInbox } from './notification-inbox.component.js';
import './notification-inbox.js';

describe('crm-notification-inbox (live API with its jobs)', () => {
  it('should show the "export is ready" notification the API makes, live, and mark it read when followed', async function () {
    this.timeout(120_000);
    const { client: crm } = await jobsAgency('Inbox Works');
    await crm.leads.create({ firstName: 'Ada', lastName: 'Inboxwright', companyName: 'Bell Works' });
    expect(await crm.notifications.unreadCount()).to.equal(0);

    const provider = await fixture(html`<crm-provider .client=${crm} locale="en"><crm-notification-inbox link-base="https://portal.example.com/app"></crm-notification-inbox></crm-provider>`);
    const inbox = provider.querySelector<CrmNotificationInbox>('crm-notification-inbox')!;
    const bell = () => inbox.shadowRoot!.querySelector<HTMLButtonElement>('[part="button"]')!;
    await until(() => Boolean(inbox.shadowRoot?.querySelector('[part="button"]')), 5000, 'the bell');
    expect(bell().getAttribute('aria-label')).to.equal('Notifications');
    // Opened once before the export: what arrives later comes without opening again (the realtime message).
    bell().click();
    await until(() => Boolean(inbox.shadowRoot!.querySelector('crm-state[kind="empty"]')), 20_000, 'the empty inbox');

    const job = await crm.exports.create({ kind: 'leads', format: 'xlsx', filters: {} });
    await until(() => inbox.unreadCount === 1, 60_000, 'the notification, live').catch(async (error: Error) => {
      const now = await crm.exports.get(job.id);
      throw new Error(`${error.message}: the export is ${now.status}, the API counts ${await crm.notifications.unreadCount()} unread`);
    });
    await until(() => inbox.shadowRoot!.querySelectorAll('[part="item"]').length === 1, 5000, 'listed');
    expect(bell().getAttribute('aria-label')).to.equal('Notifications, 1 unread');
    const item = inbox.shadowRoot!.querySelector<HTMLElement>('[part="item"]')!;
    expect(item.hasAttribute('data-unread')).to.equal(true);
    const link = item.querySelector<HTMLAnchorElement>('[part="link"]')!;
    expect(link.textContent!.replace(/\s+/g, ' ').trim()).to.equal('Unread: Your export of 1 lead is ready');
    expect(link.getAttribute('href')).to.equal(`https://portal.example.com/app/exports/${job.id}`);
    await expectAccessible(inbox);

    const opened: NotificationOpenDetail[] = [];
    inbox.addEventListener('crm-notification-open', (e) => {
      opened.push(e.detail);
      e.preventDefault();
    });
    link.click();
    await until(() => inbox.unreadCount === 0, 10_000, 'marked read');
    expect(opened.map((d) => d.notification.resourceId)).to.deep.equal([job.id]);
    expect(await crm.notifications.unreadCount()).to.equal(0);
    const { data: [stored] } = await crm.notifications.list({ limit: 1 });
    expect(stored).to.include({ category: 'export.ready', link: `/exports/${job.id}`, read: true });
  });
});
