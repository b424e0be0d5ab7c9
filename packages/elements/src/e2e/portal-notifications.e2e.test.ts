// The example portal's notification bell end to end in Chromium: the portal as the API serves it at /app/
// with its Agenda jobs running (the first-day API, see test/first-day-agency.ts), a fresh agency signed in
// through the provider's form. The bell sits in the shell's header; an export finishes, and its "export is
// ready" notification reaches the bell without a reload; following its link opens the Exports page with
// that export highlighted (`#exports/<id>`, routed by the portal, no reload) and marks it read; the bell
// fits a phone too, and the page's CSP never fires. Expects `node examples/portal/build.mjs` to have run.
import { expect } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { jobsAgency, type JobsAgency } from '../test/first-day-agency.js';
import { until } from '../test/live-api.js';
import { openHostFrame, signInByKeyboard, type HostFrame } from './host-frame.js';

const text = (node: Node | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('the example portal: notifications', () => {
  let agency: JobsAgency;
  let portal: HostFrame | undefined;

  before(async function () {
    this.timeout(120_000);
    await setViewport({ width: 1400, height: 1000 });
    if (!(await fetch('/app/portal.js', { method: 'HEAD' })).ok) throw new Error('the portal is not built: run `node examples/portal/build.mjs`');
    agency = await jobsAgency('Northwind Inbox');
  });
  after(() => portal?.close());

  it('should show the bell after sign-in, bring an export\'s notification live, and open the export from its link', async function () {
    this.timeout(120_000);
    await agency.client.leads.create({ firstName: 'Ada', lastName: 'Lovelace' });

    portal = await openHostFrame(`${location.origin}/app/#leads`, { title: 'portal' });
    const { doc, win, problems } = portal;
    await signInByKeyboard(doc, agency);
    await until(() => Boolean(doc.querySelector('crm-lead-list')), 15_000, 'the portal after sign-in');

    const inbox = doc.querySelector('.menu-bar crm-notification-inbox')!;
    const bell = () => inbox.shadowRoot?.querySelector<HTMLButtonElement>('[part="button"]') ?? null;
    await until(() => Boolean(bell()), 10_000, 'the bell');
    expect(bell()!.getBoundingClientRect().height).to.be.at.least(44);
    expect(bell()!.getAttribute('aria-label')).to.equal('Notifications');

    // An export finishes in the background: its notification reaches the bell on this page, unasked.
    (win as Window & { stayed?: boolean }).stayed = true;
    const job = await agency.client.exports.create({ kind: 'leads', format: 'xlsx', filters: {} });
    await until(() => bell()!.getAttribute('aria-label') === 'Notifications, 1 unread', 60_000, 'the notification on the bell');

    bell()!.click();
    const link = () => inbox.shadowRoot!.querySelector<HTMLAnchorElement>('[part="link"]');
    await until(() => Boolean(link()), 10_000, 'the notification in the panel');
    expect(text(link())).to.equal('Unread: Your export of 1 lead is ready');
    expect(link()!.getAttribute('href')).to.equal(`/app/exports/${job.id}`);
    link()!.click();

    // The portal routes it by hash: the Exports page, that export highlighted, the page not reloaded.
    const list = doc.querySelector('crm-export-list')!;
    await until(() => Boolean(list.shadowRoot?.querySelector(`tr[data-export="${job.id}"][data-highlighted]`)), 15_000, 'the export highlighted');
    expect(win.location.hash).to.equal(`#exports/${job.id}`);
    expect(text(doc.getElementById('view-title'))).to.equal('Exports');
    expect((win as Window & { stayed?: boolean }).stayed).to.equal(true);
    await until(() => bell()!.getAttribute('aria-label') === 'Notifications', 10_000, 'read');
    expect(await agency.client.notifications.unreadCount()).to.equal(0);

    // On a phone the bell stays in the shell's header, beside Menu, and nothing scrolls sideways.
    portal.frame.style.width = '390px';
    await until(() => win.innerWidth === 390, 5000, 'the phone width');
    const box = bell()!.getBoundingClientRect();
    expect(box.width).to.be.greaterThan(0);
    expect(box.right).to.be.at.most(390);
    expect(doc.documentElement.scrollWidth).to.be.at.most(390);
    expect(problems).to.deep.equal([]);
  });
});
