// <crm-notification-inbox> on the SDK's own `crm.notifications` over the in-memory API
// (test/memory-notifications.ts): the bell's count and its name in English and German; the panel opened
// and closed by keyboard with focus back on the bell; marking read, unread and all read (the API's state
// after); paging; a live `notification` at the top and the count up, `notification.read` from another
// tab; without realtime the inbox is read again on each opening; the cancelable `crm-notification-open`
// before navigating; loading, error and empty states; 390 and 1280 px, light and dark, axe.
import { expect, fixture, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { Notification } from '@crm/client-sdk';
import '../provider/provider.js';
import type { NotificationMarkedDetail, NotificationOpenDetail } from '../events/notification-events.js';
import { expectAccessible } from '../test/axe.js';
import { until } from '../test/live-api.js';
import { createMemoryApi, MemoryApiError } from '../test/memory-api.js';
import { makeNotification } from '../test/memory-notifications.js';
import { deskWidth, expectFitsLayout, phoneWidth, resetViewport, useViewport } from '../test/viewport.js';
import { CrmNotificationInbox } from './notification-inbox.component.js';
import './notification-inbox.js';

const user = { id: '000000000000000000000001', name: 'Sam Sales', email: 'sam@example.com' };

/** Three unread notifications and two read ones, newest first. */
function seed(): Notification[] {
  return [
    makeNotification(1, { title: 'Import of leads.csv finished: 98,000 created, 0 updated', body: '98,000 leads created, 0 updated, 0 skipped, 12 failed.', link: '/imports/0000000000000000000000aa', category: 'import.completed' }),
    makeNotification(2),
    makeNotification(3, { title: 'Your campaign "Spring" is now active', body: '', link: null, category: 'campaign.activated' }),
    makeNotification(4, { read: true, readAt: new Date().toISOString() }),
    makeNotification(5, { read: true, readAt: new Date().toISOString() }),
  ];
}

type Api = ReturnType<typeof createMemoryApi>;

async function mount(api: Api, { locale = 'en', theme = 'light', linkBase = '', limit = 20, client = api.client as unknown } = {}): Promise<CrmNotificationInbox> {
  const provider = await fixture(html`<crm-provider .client=${client} .user=${user} locale=${locale} theme=${theme} time-zone="Europe/Berlin">
    <crm-notification-inbox link-base=${linkBase} limit=${limit}></crm-notification-inbox>
  </crm-provider>`);
  const inbox = provider.querySelector('crm-notification-inbox')!;
  const unread = api.notifications.filter((n) => !n.read).length;
  await until(() => inbox.unreadCount === unread && api.calls.some((c) => c.path === '/v1/notifications'), 5000, 'the unread count');
  await inbox.updateComplete;
  return inbox;
}

const clean = (node: Element | null | undefined) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
const $ = <T extends Element = HTMLElement>(inbox: CrmNotificationInbox, selector: string) => inbox.shadowRoot!.querySelector<T & HTMLElement>(selector);
const bell = (inbox: CrmNotificationInbox) => $<HTMLButtonElement>(inbox, '[part="button"]')!;
const panel = (inbox: CrmNotificationInbox) => $(inbox, '[part="panel"]')!;
const items = (inbox: CrmNotificationInbox) => [...inbox.shadowRoot!.querySelectorAll<HTMLElement>('[part="item"]')];
const titles = (inbox: CrmNotificationInbox) => items(inbox).map((item) => clean(item.querySelector('.title')));
const item = (inbox: CrmNotificationInbox, id: string) => $(inbox, `[data-notification="${id}"]`)!;
/** What has focus in the inbox, as `part` (and the notification it belongs to): short, so a failure reads well. */
const focused = (inbox: CrmNotificationInbox) => {
  const active = inbox.shadowRoot!.activeElement;
  if (!active) return null;
  const of = active.closest<HTMLElement>('[data-notification]')?.dataset.notification;
  return `${active.getAttribute('part') ?? active.localName}${of ? `:${of}` : ''}`;
};
/** An element's markup, or null: asserting on it keeps failures short. */
const markup = (element: Element | null | undefined) => element?.outerHTML ?? null;

/** Opens the panel as a person would and waits for the list. */
async function open(inbox: CrmNotificationInbox): Promise<void> {
  bell(inbox).click();
  await until(() => !panel(inbox).hidden && Boolean($(inbox, '[part="list"], crm-state:not([kind="loading"])')), 5000, 'the open panel');
}

describe('crm-notification-inbox', () => {
  afterEach(resetViewport);

  it('should show the unread count on the bell and say it in its name, in English and German, reading no list until opened', async () => {
    const api = createMemoryApi({ notifications: { seed: seed() } });
    const inbox = await mount(api);
    expect(clean($(inbox, '[part="badge"]'))).to.equal('3');
    expect($(inbox, '[part="badge"]')!.getAttribute('aria-hidden')).to.equal('true');
    expect(bell(inbox).getAttribute('aria-label')).to.equal('Notifications, 3 unread');
    expect(bell(inbox).getAttribute('aria-expanded')).to.equal('false');
    expect(panel(inbox).hidden).to.equal(true);
    // Only the count was asked for (`crm.notifications.unreadCount()`, again when the socket connected): no list until opened.
    const asked = api.calls.filter((c) => c.path === '/v1/notifications').map((c) => c.query);
    expect(asked.length).to.be.at.least(1);
    expect(asked.filter((q) => JSON.stringify(q) !== JSON.stringify({ limit: '1', unread: 'true' }))).to.deep.equal([]);
    await expectAccessible(inbox);

    const one = createMemoryApi({ notifications: { seed: [makeNotification(1)] } });
    expect(bell(await mount(one, { locale: 'de' })).getAttribute('aria-label')).to.equal('Benachrichtigungen, 1 ungelesen');
    const many = createMemoryApi({ notifications: { seed: Array.from({ length: 1234 }, (_, n) => makeNotification(n + 1)) } });
    const german = await mount(many, { locale: 'de' });
    expect(bell(german).getAttribute('aria-label')).to.equal('Benachrichtigungen, 1.234 ungelesen');
    expect(clean($(german, '[part="badge"]'))).to.equal('99+');
    const none = await mount(createMemoryApi({ notifications: { seed: [makeNotification(1, { read: true })] } }));
    expect(bell(none).getAttribute('aria-label')).to.equal('Notifications');
    expect(markup($(none, '[part="badge"]'))).to.equal(null);
  });

  it('should open by keyboard with focus in the panel, list the newest first, and close on Escape with focus back on the bell', async () => {
    const notifications = seed();
    const api = createMemoryApi({ notifications: { seed: notifications } });
    const inbox = await mount(api);
    bell(inbox).focus();
    await sendKeys({ press: 'Enter' });
    await until(() => Boolean($(inbox, '[part="list"]')), 5000, 'the list');
    expect(inbox.open).to.equal(true);
    expect(inbox.hasAttribute('open')).to.equal(true);
    expect(bell(inbox).getAttribute('aria-expanded')).to.equal('true');
    expect(focused(inbox)).to.equal('panel');
    expect(clean($(inbox, '#heading'))).to.equal('Notifications');
    expect(titles(inbox)).to.deep.equal([
      'Unread: Import of leads.csv finished: 98,000 created, 0 updated',
      `Unread: ${notifications[1]!.title}`,
      'Unread: Your campaign "Spring" is now active',
      notifications[3]!.title,
      notifications[4]!.title,
    ]);
    const first = item(inbox, notifications[0]!.id);
    expect(first.hasAttribute('data-unread')).to.equal(true);
    expect(clean(first.querySelector('.body'))).to.equal('98,000 leads created, 0 updated, 0 skipped, 12 failed.');
    expect(clean(first.querySelector('time'))).to.equal(new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(-1, 'hour'));
    expect(first.querySelector('time')!.getAttribute('datetime')).to.equal(notifications[0]!.createdAt);
    // A notification without a link shows its title as text.
    expect(markup(item(inbox, notifications[2]!.id).querySelector('a'))).to.equal(null);
    await expectAccessible(inbox);

    // Tab walks the panel: Mark all read, then the first notification's link.
    await sendKeys({ press: 'Tab' });
    expect(focused(inbox)).to.equal('mark-all');
    await sendKeys({ press: 'Tab' });
    expect(focused(inbox)).to.equal(`link:${notifications[0]!.id}`);
    await sendKeys({ press: 'Escape' });
    await inbox.updateComplete;
    expect(panel(inbox).hidden).to.equal(true);
    expect(inbox.open).to.equal(false);
    expect(bell(inbox).getAttribute('aria-expanded')).to.equal('false');
    expect(focused(inbox)).to.equal('button');

    // Space opens it again; a press elsewhere on the page closes it.
    await sendKeys({ press: 'Space' });
    await until(() => !panel(inbox).hidden, 2000, 'open again');
    document.body.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, composed: true }));
    await inbox.updateComplete;
    expect(panel(inbox).hidden).to.equal(true);
  });

  it("should mark one read and unread and all read through the API, updating the count and telling the host", async () => {
    const notifications = seed();
    const api = createMemoryApi({ notifications: { seed: notifications } });
    const inbox = await mount(api);
    const marked: NotificationMarkedDetail[] = [];
    inbox.addEventListener('crm-notification-marked', (e) => marked.push(e.detail));
    await open(inbox);
    const id = notifications[1]!.id;
    const mark = item(inbox, id).querySelector<HTMLButtonElement>('[part="mark"]')!;
    expect(clean(mark)).to.equal('Mark read');
    expect(mark.getAttribute('aria-label')).to.equal(`Mark read: ${notifications[1]!.title}`);
    mark.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => inbox.unreadCount === 2, 2000, 'marked read');
    await inbox.updateComplete;
    expect(api.notifications.find((n) => n.id === id)!.read).to.equal(true);
    expect(item(inbox, id).hasAttribute('data-unread')).to.equal(false);
    expect(clean(mark)).to.equal('Mark unread');
    // The same button keeps focus: a keyboard user can undo at once.
    expect(focused(inbox)).to.equal(`mark:${id}`);
    expect(bell(inbox).getAttribute('aria-label')).to.equal('Notifications, 2 unread');
    expect(clean($(inbox, '[role="status"]'))).to.equal(`Marked read: ${notifications[1]!.title}`);

    await sendKeys({ press: 'Enter' });
    await until(() => inbox.unreadCount === 3, 2000, 'marked unread');
    expect(api.notifications.find((n) => n.id === id)!.read).to.equal(false);

    $<HTMLButtonElement>(inbox, '[part="mark-all"]')!.click();
    await until(() => inbox.unreadCount === 0, 2000, 'all read');
    await inbox.updateComplete;
    expect(api.notifications.every((n) => n.read)).to.equal(true);
    expect(items(inbox).filter((el) => el.hasAttribute('data-unread')).map((el) => el.dataset.notification)).to.deep.equal([]);
    expect(markup($(inbox, '[part="badge"]'))).to.equal(null);
    expect($<HTMLButtonElement>(inbox, '[part="mark-all"]')!.disabled).to.equal(true);
    expect(marked).to.deep.equal([
      { ids: [id], read: true, unreadCount: 2 },
      { ids: [id], read: false, unreadCount: 3 },
      { ids: 'all', read: true, unreadCount: 0 },
    ]);
  });

  it('should page with "Load more" and move focus to the first notification it brought', async () => {
    const notifications = Array.from({ length: 25 }, (_, n) => makeNotification(n + 1));
    const api = createMemoryApi({ notifications: { seed: notifications } });
    const inbox = await mount(api, { limit: 10 });
    await open(inbox);
    expect(items(inbox)).to.have.length(10);
    $<HTMLButtonElement>(inbox, '[part="more"]')!.click();
    await until(() => items(inbox).length === 20, 2000, 'the second page');
    expect(items(inbox).map((el) => el.dataset.notification)).to.deep.equal(notifications.slice(0, 20).map((n) => n.id));
    expect(focused(inbox)).to.equal(`link:${notifications[10]!.id}`);
    $<HTMLButtonElement>(inbox, '[part="more"]')!.click();
    await until(() => items(inbox).length === 25, 2000, 'the last page');
    expect(markup($(inbox, '[part="more"]'))).to.equal(null);
    const lists = api.calls.filter((c) => c.path === '/v1/notifications' && !(c.query as { unread?: string } | undefined)?.unread);
    expect(lists.map((c) => c.query)).to.deep.equal([{ limit: '10' }, { limit: '10', cursor: notifications[9]!.id }, { limit: '10', cursor: notifications[19]!.id }]);
  });

  it('should put a live notification at the top and bump the count, and follow read state changed in another tab', async () => {
    const api = createMemoryApi({ notifications: { seed: seed() } });
    const inbox = await mount(api);
    await until(() => api.listeners('notification') === 1 && api.listeners('notification.read') === 1, 2000, 'listening');
    // Closed: the count moves, and nothing is read.
    api.notify({ title: 'Your export of 5,000 contacts is ready' });
    await until(() => inbox.unreadCount === 4, 2000, 'the count up');
    await inbox.updateComplete;
    expect(clean($(inbox, '[part="badge"]'))).to.equal('4');
    expect(bell(inbox).getAttribute('aria-label')).to.equal('Notifications, 4 unread');
    await open(inbox);
    expect(titles(inbox)[0]).to.equal('Unread: Your export of 5,000 contacts is ready');
    const lists = () => api.calls.filter((c) => c.path === '/v1/notifications' && !(c.query as { unread?: string } | undefined)?.unread).length;
    expect(lists()).to.equal(1);

    const arrived = api.notify({ title: 'Import of leads.csv finished: 98,000 created, 12 failed', category: 'import.completed', link: '/imports/0000000000000000000000ab' });
    await until(() => items(inbox).length === 7, 2000, 'the new one on top');
    expect(items(inbox)[0]!.dataset.notification).to.equal(arrived.id);
    expect(titles(inbox)[0]).to.equal('Unread: Import of leads.csv finished: 98,000 created, 12 failed');
    expect(clean($(inbox, '[part="badge"]'))).to.equal('5');
    expect(clean($(inbox, '[role="status"]'))).to.equal('New notification: Import of leads.csv finished: 98,000 created, 12 failed');

    // Read in another tab: the API tells every socket of the user.
    await api.client.notifications.markRead(arrived.id);
    await until(() => !items(inbox)[0]!.hasAttribute('data-unread'), 2000, 'read elsewhere');
    expect(inbox.unreadCount).to.equal(4);
    await api.client.notifications.markAllRead();
    await until(() => inbox.unreadCount === 0 && items(inbox).every((el) => !el.hasAttribute('data-unread')), 2000, 'all read elsewhere');
    // Live: the list was read once, the rest came as messages.
    expect(lists()).to.equal(1);
  });

  it('should read the count and list again on each opening when the client has no realtime', async () => {
    const api = createMemoryApi({ notifications: { seed: seed() } });
    const { realtime: _, ...withoutRealtime } = api.client as typeof api.client & { realtime?: unknown };
    const inbox = await mount(api, { client: withoutRealtime });
    api.notify({ title: 'Arrived while nobody listened' });
    expect(inbox.unreadCount).to.equal(3);
    await open(inbox);
    await until(() => inbox.unreadCount === 4, 2000, 'the count read again');
    expect(titles(inbox)[0]).to.equal('Unread: Arrived while nobody listened');
    inbox.hide();
    api.notify({ title: 'And another' });
    await open(inbox);
    await until(() => titles(inbox)[0] === 'Unread: And another', 2000, 'the list read again');
    expect(inbox.unreadCount).to.equal(5);
  });

  it('should fire a cancelable crm-notification-open with the notification and its address before navigating, and mark it read', async () => {
    const notifications = seed();
    const api = createMemoryApi({ notifications: { seed: notifications } });
    const inbox = await mount(api, { linkBase: 'https://crm.example.com/app/' });
    await open(inbox);
    const target = notifications[1]!;
    const link = item(inbox, target.id).querySelector<HTMLAnchorElement>('[part="link"]')!;
    expect(link.getAttribute('href')).to.equal(`https://crm.example.com/app${target.link}`);
    const opened: NotificationOpenDetail[] = [];
    const route = (e: Event) => {
      opened.push((e as CustomEvent<NotificationOpenDetail>).detail);
      e.preventDefault();
    };
    document.addEventListener('crm-notification-open', route);
    try {
      const before = location.href;
      link.focus();
      await sendKeys({ press: 'Enter' });
      await until(() => api.notifications.find((n) => n.id === target.id)!.read, 2000, 'marked read');
      expect(opened).to.have.length(1);
      expect(opened[0]!.href).to.equal(`https://crm.example.com/app${target.link}`);
      expect(opened[0]!.notification).to.deep.include({ id: target.id, title: target.title, link: target.link });
      expect(location.href).to.equal(before);
      await inbox.updateComplete;
      expect(panel(inbox).hidden).to.equal(true);
      expect(focused(inbox)).to.equal('button');
      await until(() => inbox.unreadCount === 2, 2000, 'the count down');
    } finally {
      document.removeEventListener('crm-notification-open', route);
    }
  });

  it('should go to the address itself once the notification is marked read when the host does not route, and never link a script', async () => {
    const target = makeNotification(1);
    const api = createMemoryApi({ notifications: { seed: [target, makeNotification(2, { link: 'javascript:alert(1)' })] } });
    // This page's own address and `#`: the navigation stays on this page (a hash change).
    const inbox = await mount(api, { linkBase: `${location.href.split('#')[0]}#` });
    await open(inbox);
    expect(markup(item(inbox, makeNotification(2).id).querySelector('a'))).to.equal(null);
    const start = location.href;
    try {
      item(inbox, target.id).querySelector<HTMLAnchorElement>('[part="link"]')!.click();
      await until(() => location.hash === `#${target.link}`, 5000, 'navigated');
      expect(api.notifications[0]!.read).to.equal(true);
    } finally {
      history.replaceState(null, '', start);
    }
  });

  it('should mark a notification read when its link is opened in a new tab by a middle click, leaving the page and the host alone', async () => {
    const notifications = seed();
    const api = createMemoryApi({ notifications: { seed: notifications } });
    const inbox = await mount(api, { linkBase: 'https://crm.example.com/app/' });
    await open(inbox);
    const target = notifications[0]!;
    expect(target.read).to.equal(false);
    let opened = 0;
    const count = () => (opened += 1);
    document.addEventListener('crm-notification-open', count);
    try {
      const before = location.href;
      const link = item(inbox, target.id).querySelector<HTMLAnchorElement>('[part="link"]')!;
      link.dispatchEvent(new MouseEvent('auxclick', { button: 1, bubbles: true, composed: true, cancelable: true }));
      await until(() => api.notifications.find((n) => n.id === target.id)!.read, 2000, 'marked read');
      expect(opened).to.equal(0);
      expect(location.href).to.equal(before);
      // A right click (the context menu) is not opening it.
      const other = notifications.find((n) => !n.read && n.id !== target.id)!;
      item(inbox, other.id).querySelector('[part="link"]')!.dispatchEvent(new MouseEvent('auxclick', { button: 2, bubbles: true, composed: true, cancelable: true }));
      await new Promise((r) => setTimeout(r, 200));
      expect(api.notifications.find((n) => n.id === other.id)!.read).to.equal(false);
    } finally {
      document.removeEventListener('crm-notification-open', count);
    }
  });

  it('should say what failed when the inbox cannot be read, and read it again on "Try again"', async () => {
    const api = createMemoryApi({ notifications: { seed: seed() } });
    const inbox = await mount(api, { locale: 'de' });
    api.failNext('GET', /^\/v1\/notifications$/, new MemoryApiError(503, 'unavailable', 'Die Benachrichtigungen sind gerade nicht erreichbar.'));
    bell(inbox).click();
    await until(() => Boolean($(inbox, 'crm-state[kind="error"]')), 2000, 'the error');
    const state = $(inbox, 'crm-state[kind="error"]')!;
    await (state as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete;
    expect(clean(state.shadowRoot!.querySelector('[part="message"]'))).to.equal('Die Benachrichtigungen sind gerade nicht erreichbar.');
    await expectAccessible(inbox);
    state.shadowRoot!.querySelector<HTMLButtonElement>('button')!.click();
    await until(() => items(inbox).length === 5, 2000, 'read again');
  });

  it('should say so when there are no notifications, in English and German', async () => {
    const en = await mount(createMemoryApi({ notifications: { seed: [] } }));
    await open(en);
    const message = (inbox: CrmNotificationInbox) => clean($(inbox, 'crm-state[kind="empty"]')!.shadowRoot!.querySelector('[part="message"]'));
    expect(message(en)).to.equal('No notifications yet. Finished imports and exports are announced here.');
    const de = await mount(createMemoryApi({ notifications: { seed: [] } }), { locale: 'de' });
    await open(de);
    expect(message(de)).to.equal('Noch keine Benachrichtigungen. Abgeschlossene Importe und Exporte werden hier gemeldet.');
    expect($<HTMLButtonElement>(de, '[part="mark-all"]')!.disabled).to.equal(true);
    await expectAccessible(de);
  });

  it('should register its tag once however often define() is called', () => {
    expect(() => CrmNotificationInbox.define('crm-notification-inbox')).not.to.throw();
    expect(customElements.get('crm-notification-inbox')).to.be.a('function');
  });

  for (const width of [phoneWidth, deskWidth]) {
    for (const theme of ['light', 'dark']) {
      for (const side of ['start', 'end']) {
        it(`should fit ${width} px, ${theme}, its panel inside the viewport from a bell at the ${side}`, async () => {
          await useViewport(width);
          const api = createMemoryApi({ notifications: { seed: seed() } });
          const inbox = await mount(api, { theme, linkBase: '#' });
          // As in a host's header: the bell at the start or the end of a full-width bar.
          const bar = inbox.closest('crm-provider')!;
          bar.setAttribute('style', `display: flex; justify-content: flex-${side}; padding: 0.5rem`);
          expectFitsLayout(inbox);
          await open(inbox);
          await inbox.updateComplete;
          const { left, right } = panel(inbox).getBoundingClientRect();
          expect(left, 'the panel starts inside the viewport').to.be.at.least(0);
          expect(right, 'the panel ends inside the viewport').to.be.at.most(document.documentElement.clientWidth);
          expectFitsLayout(panel(inbox));
          await expectAccessible(inbox);
        });
      }
    }
  }
});
