import { html, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Page } from '@crm/client-sdk';
import { CrmNotificationMarkedEvent, CrmNotificationOpenEvent } from '../events/notification-events.js';
import { readProblem } from '../shared/api/errors.js';
import { applyReadState, notificationClient, watchNotifications, type Notification, type NotificationPushed, type NotificationReadState } from '../shared/api/notifications.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatCount, formatDateTime, formatRelative } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { notificationInboxStyles } from './notification-inbox.styles.js';

/** How long following a link waits for "mark read" before it navigates anyway. */
const MARK_BEFORE_LEAVING_MS = 4000;

/**
 * The signed-in user's in-app notifications (`crm.notifications`): a bell with the unread count that
 * opens a panel of the newest ones (title, text, when, unread marker), each with its link, "Mark read" /
 * "Mark unread", "Mark all read" and "Load more". Following a link marks it read. Live: the realtime
 * messages `notification` (a new one at the top, the count up) and `notification.read` (read state
 * changed in any tab); without realtime the count and list are read again each time the panel opens.
 *
 * @summary A bell with the unread count and a panel of the user's notifications; live.
 *
 * @event crm-notification-open - The user follows a notification's link, before the browser navigates; cancelable (`preventDefault()` and route yourself); `detail: { notification, href }`.
 * @event crm-notification-marked - Notifications were marked read or unread at the user's request; `detail: { ids, read, unreadCount }` (`ids: 'all'` for "Mark all read").
 *
 * @csspart button - The bell that opens and closes the panel.
 * @csspart badge - The unread count on the bell.
 * @csspart panel - The panel of notifications.
 * @csspart heading - The panel's heading.
 * @csspart mark-all - The "Mark all read" button.
 * @csspart list - The list of notifications.
 * @csspart item - One notification (`data-unread` while unread).
 * @csspart link - A notification's title as the link to what it is about.
 * @csspart mark - A notification's "Mark read" / "Mark unread" button.
 * @csspart more - The "Load more" button.
 *
 * @cssproperty --crm-notification-inbox-badge-background - Background of the unread count. Defaults to `--crm-sys-color-primary`.
 * @cssproperty --crm-notification-inbox-badge-color - Text of the unread count. Defaults to `--crm-sys-color-on-primary`.
 * @cssproperty --crm-notification-inbox-background - Background of the panel. Defaults to `--crm-sys-color-surface`.
 * @cssproperty --crm-notification-inbox-unread-background - Background of an unread notification. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-notification-inbox-width - Width of the panel (never wider than the viewport). Defaults to `24rem`.
 */
export class CrmNotificationInbox extends CrmDataElement {
  static override styles = [controlStyles, notificationInboxStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** Whether the panel is open. */
  @property({ type: Boolean, reflect: true }) open = false;

  /** Put before each notification's `link` (a path such as `/exports/<id>`) to make its address, e.g. `https://crm.example.com/app`; none by default. */
  @property({ attribute: 'link-base', reflect: true }) linkBase = '';

  /** How many notifications a page holds (1–200). */
  @property({ type: Number, reflect: true }) limit = 20;

  @state() private count = 0;
  @state() private notifications: Notification[] = [];
  @state() private loaded = false;
  @state() private loadError = '';
  @state() private error = '';
  @state() private announcement = '';
  @state() private loadingMore = false;
  @state() private nextPage: Page<Notification> | null = null;
  @query('#panel') private panel?: HTMLElement;
  @query('[part="button"]') private bell?: HTMLButtonElement;
  private stopWatching: (() => void) | undefined;
  /** True once the socket said it is connected: then messages keep the inbox current. */
  private live = false;

  /** Unread notifications, as the API last said. */
  get unreadCount(): number {
    return this.count;
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('client')) {
      // Signed out, or another user: the last one's notifications are not the next one's.
      this.stopWatching?.();
      this.stopWatching = undefined;
      this.notifications = [];
      this.nextPage = null;
      this.loaded = false;
      this.loadError = '';
      this.count = 0;
      this.live = false;
      if (this.client) {
        this.watch();
        void this.readCount();
      }
    }
    if ((changed.has('open') || changed.has('client')) && this.open && this.client && (!this.loaded || !this.live)) void this.load();
    if (changed.has('limit') && changed.get('limit') !== undefined && this.loaded) void this.load();
    if (changed.has('open')) this.listenOutside(this.open);
    if (this.open) this.place();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.client) this.watch();
    if (this.open) this.listenOutside(true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatching?.();
    this.stopWatching = undefined;
    this.live = false;
    this.listenOutside(false);
  }

  /** Reads the newest page of notifications and the unread count again. */
  async load(): Promise<void> {
    const crm = notificationClient(this.client);
    try {
      this.loadError = '';
      const [page, count] = await Promise.all([crm.notifications.list({ limit: this.limit }), crm.notifications.unreadCount()]);
      this.notifications = page.data;
      this.nextPage = page.hasNextPage() ? page : null;
      this.count = count;
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  /** Opens the panel and moves focus into it. */
  show(): void {
    this.open = true;
    void this.updateComplete.then(() => this.panel?.focus());
  }

  /** Closes the panel; `returnFocus` puts focus back on the bell. */
  hide(returnFocus = false): void {
    this.open = false;
    if (returnFocus) void this.updateComplete.then(() => this.bell?.focus());
  }

  private async readCount(): Promise<void> {
    try {
      this.count = await notificationClient(this.client).notifications.unreadCount();
    } catch {
      // The bell shows no count rather than an error; opening the panel reads again and says what failed.
    }
  }

  private watch(): void {
    this.stopWatching?.();
    this.stopWatching = watchNotifications(notificationClient(this.client), {
      added: (pushed) => this.take(pushed),
      read: (change) => this.takeReadState(change),
      connected: () => {
        // Messages sent before the socket was (re)connected are lost: read again what is shown.
        this.live = true;
        void (this.loaded ? this.load() : this.readCount());
      },
    });
  }

  private take({ unreadCount, ...notification }: NotificationPushed): void {
    this.count = unreadCount;
    if (this.loaded && !this.notifications.some((n) => n.id === notification.id)) this.notifications = [notification, ...this.notifications];
    this.announcement = this.msg('notificationInbox.arrived', { title: notification.title });
  }

  private takeReadState(change: NotificationReadState): void {
    this.count = change.unreadCount;
    this.notifications = this.notifications.map((n) => applyReadState(n, change));
  }

  private async loadMore(): Promise<void> {
    if (!this.nextPage || this.loadingMore) return;
    this.loadingMore = true;
    this.error = '';
    try {
      const page = await this.nextPage.nextPage();
      const known = new Set(this.notifications.map((n) => n.id));
      const added = (page?.data ?? []).filter((n) => !known.has(n.id));
      this.notifications = [...this.notifications, ...added];
      this.nextPage = page?.hasNextPage() ? page : null;
      await this.updateComplete;
      // The button may be gone: focus goes on to the first notification it brought.
      if (added[0]) this.renderRoot.querySelector<HTMLElement>(`[data-notification="${added[0].id}"] :is(a, button)`)?.focus();
    } catch (error) {
      this.error = readProblem(error).detail;
    } finally {
      this.loadingMore = false;
    }
  }

  private async mark(notification: Notification, read: boolean, timeoutMs?: number): Promise<void> {
    this.error = '';
    try {
      const resource = notificationClient(this.client).notifications;
      const { unreadCount, ...marked } = await (read ? resource.markRead(notification.id, { timeoutMs }) : resource.markUnread(notification.id, { timeoutMs }));
      this.count = unreadCount;
      this.notifications = this.notifications.map((n) => (n.id === marked.id ? marked : n));
      this.announcement = this.msg(read ? 'notificationInbox.markedRead' : 'notificationInbox.markedUnread', { title: notification.title });
      this.emit(new CrmNotificationMarkedEvent({ ids: [notification.id], read, unreadCount }));
    } catch (error) {
      this.error = readProblem(error).detail;
    }
  }

  private async markAll(): Promise<void> {
    this.error = '';
    try {
      const { unreadCount } = await notificationClient(this.client).notifications.markAllRead();
      this.takeReadState({ ids: 'all', read: true, unreadCount });
      this.announcement = this.msg('notificationInbox.allMarked');
      this.emit(new CrmNotificationMarkedEvent({ ids: 'all', read: true, unreadCount }));
      // The button is disabled now: keep focus in the panel.
      if (this.shadowRoot?.activeElement?.matches('[part="mark-all"]')) this.panel?.focus();
    } catch (error) {
      this.error = readProblem(error).detail;
    }
  }

  /** The address of a notification's link, or '' when it has none (or one that is no web address). */
  private hrefOf(notification: Notification): string {
    if (!notification.link) return '';
    // A path (`/exports/<id>`) is the host's to place; a full address stays as it is.
    const href = notification.link.startsWith('/') ? `${this.linkBase.replace(/\/+$/, '')}${notification.link}` : notification.link;
    try {
      return ['http:', 'https:'].includes(new URL(href, document.baseURI).protocol) ? href : '';
    } catch {
      return '';
    }
  }

  /** Following a link marks the notification read, in a new tab (a modified or middle click) too; the host may route itself (`crm-notification-open`), else the browser goes there once the API has been told. */
  private follow(event: MouseEvent, notification: Notification, href: string): void {
    const newWindow = event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    const marking = notification.read ? Promise.resolve() : this.mark(notification, true, MARK_BEFORE_LEAVING_MS);
    if (newWindow) return;
    event.preventDefault();
    const routed = this.emit(new CrmNotificationOpenEvent({ notification, href })).defaultPrevented;
    this.hide(true);
    if (!routed) void marking.then(() => location.assign(href));
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || !this.open) return;
    event.stopPropagation();
    this.hide(true);
  }

  /** Focus leaving the element for elsewhere on the page closes the panel (a pointer press outside does too). */
  private onFocusOut(event: FocusEvent): void {
    const next = event.relatedTarget as Node | null;
    if (this.open && next && next !== this && !this.contains(next) && !this.renderRoot.contains(next)) this.hide();
  }

  private readonly onOutsidePointer = (event: PointerEvent): void => {
    if (!event.composedPath().includes(this)) this.hide();
  };

  private readonly onResize = (): void => this.place();

  private listenOutside(on: boolean): void {
    const method = on ? 'addEventListener' : 'removeEventListener';
    document[method]('pointerdown', this.onOutsidePointer as EventListener, true);
    window[method]('resize', this.onResize);
  }

  /** Keeps the panel inside the viewport: it hangs from the bell's end, shifted sideways when that would cross an edge. */
  private place(): void {
    const panel = this.panel;
    if (!panel) return;
    panel.style.removeProperty('translate');
    const { left, right } = panel.getBoundingClientRect();
    const margin = 8;
    const width = document.documentElement.clientWidth;
    const shift = left < margin ? margin - left : right > width - margin ? Math.max(width - margin - right, margin - left) : 0;
    if (shift) panel.style.setProperty('translate', `${Math.round(shift)}px 0`);
  }

  private renderItem(notification: Notification) {
    const href = this.hrefOf(notification);
    const unread = notification.read ? nothing : html`<span class="sr-only">${this.msg('notificationInbox.unread')}: </span>`;
    const title = href
      ? html`<a part="link" class="title" href=${href} @click=${(e: MouseEvent) => this.follow(e, notification, href)} @auxclick=${(e: MouseEvent) => e.button === 1 && this.follow(e, notification, href)}>${unread}${notification.title}</a>`
      : html`<p class="title">${unread}${notification.title}</p>`;
    const read = notification.read;
    return html`<li part="item" class="item" data-notification=${notification.id} ?data-unread=${!read}>
      <span class="dot" aria-hidden="true"></span>
      <div class="text">
        ${title}
        ${notification.body ? html`<p class="body">${notification.body}</p>` : nothing}
        <time class="muted" datetime=${notification.createdAt} title=${formatDateTime(notification.createdAt, this.activeLocale, this.activeTimeZone)}>${formatRelative(notification.createdAt, this.activeLocale)}</time>
      </div>
      <button part="mark" type="button" class="quiet" aria-label=${this.msg(read ? 'notificationInbox.markUnreadLabel' : 'notificationInbox.markReadLabel', { title: notification.title })}
        @click=${() => this.mark(notification, !read)}>${this.msg(read ? 'notificationInbox.markUnread' : 'notificationInbox.markRead')}</button>
    </li>`;
  }

  private renderList() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    if (!this.notifications.length) return html`<crm-state kind="empty" message=${this.msg('notificationInbox.empty')}></crm-state>`;
    return html`<ul part="list" class="list">${repeat(this.notifications, (n) => n.id, (n) => this.renderItem(n))}</ul>
      ${this.nextPage
        ? html`<button part="more" type="button" class="more" ?disabled=${this.loadingMore} aria-busy=${this.loadingMore ? 'true' : 'false'} @click=${() => this.loadMore()}>${this.msg('notificationInbox.more')}</button>`
        : nothing}`;
  }

  override render() {
    const count = this.count;
    const name = count ? this.plural('notificationInbox.unreadCount', count) : this.msg('notificationInbox.label');
    return html`<div class="inbox" @keydown=${this.onKeydown} @focusout=${this.onFocusOut}>
      <button part="button" type="button" class="bell" aria-label=${name} aria-expanded=${this.open ? 'true' : 'false'} aria-controls="panel"
        @click=${() => (this.open ? this.hide(true) : this.show())}>
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"/></svg>
        ${count ? html`<span part="badge" class="count" aria-hidden="true">${count > 99 ? '99+' : formatCount(count, this.activeLocale)}</span>` : nothing}
      </button>
      <section id="panel" part="panel" class="panel" ?hidden=${!this.open} tabindex="-1" aria-labelledby="heading">
        <div class="head">
          <h2 id="heading" part="heading">${this.msg('notificationInbox.label')}</h2>
          <button part="mark-all" type="button" ?disabled=${!count} @click=${() => this.markAll()}>${this.msg('notificationInbox.markAll')}</button>
        </div>
        ${this.open ? this.renderList() : nothing}
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      </section>
      <p class="sr-only" role="status">${this.announcement}</p>
    </div>`;
  }
}
