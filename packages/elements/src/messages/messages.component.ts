import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmMessageDeletedEvent, CrmMessageEditedEvent, CrmMessagePostedEvent } from '../events/message-events.js';
import { readProblem } from '../shared/api/errors.js';
import {
  conversationClient, type Conversation, type ConversationMessage, type ConversationMessagePushed, type ConversationMessageUpdated, type ConversationPerson, type ConversationRecordKind,
} from '../shared/api/conversations.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime, formatRelative } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { messagesStyles } from './messages.styles.js';

/** The mention being typed: where its `@` is in the draft, and what follows it. */
interface MentionQuery {
  start: number;
  text: string;
}

/**
 * Internal messaging. With `record-kind` and `record-id` it shows that record's thread (readable by
 * whoever may read the record); without them, the user's inbox of conversations with unread counts,
 * where a conversation opens in place and a new direct conversation can be started. Messages arrive
 * live; typing `@` suggests people to mention (arrow keys, Enter or Tab to pick, Escape to close);
 * Ctrl+Enter sends. The user edits or deletes their own messages (an edited one is marked, a deleted
 * one leaves "message deleted" in the thread); with `moderate`, others' messages can be deleted too.
 *
 * @summary Record threads and direct conversations with mentions, read state and live updates.
 *
 * @event crm-message-posted - After a message the user wrote was stored; `detail.message`.
 * @event crm-message-edited - After the user's edit of a message was stored; `detail.message`.
 * @event crm-message-deleted - After the user deleted a message; `detail.message` is the tombstone.
 *
 * @csspart inbox - The list of conversations.
 * @csspart log - The messages of the open conversation.
 * @csspart composer - The form to write a message.
 * @csspart suggestions - The list of people suggested for a mention.
 *
 * @cssproperty --crm-messages-own - Background of the user's own messages.
 * @cssproperty --crm-messages-unread - Background of unread count badges.
 */
export class CrmMessages extends CrmDataElement {
  static override styles = [controlStyles, messagesStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** The kind of record whose thread to show (`lead`, `contact`, `customer`, `opportunity`, `ticket`, `task`, `campaign`, `quote`). */
  @property({ attribute: 'record-kind', reflect: true }) recordKind = '';
  /** The id of the record whose thread to show; without it the inbox is shown. */
  @property({ attribute: 'record-id', reflect: true }) recordId = '';
  /** Offers to delete other people's messages too (set it for the agency's admins; the API decides). */
  @property({ type: Boolean, reflect: true }) moderate = false;

  @state() private conversations: Conversation[] = [];
  @state() private open?: Conversation;
  @state() private messages: ConversationMessage[] = [];
  @state() private loaded = false;
  @state() private loadError = '';
  @state() private draft = '';
  @state() private draftError = '';
  @state() private busy = false;
  @state() private notice = '';
  @state() private mention?: MentionQuery;
  @state() private suggestions: ConversationPerson[] = [];
  @state() private active = 0;
  @state() private peopleQuery = '';
  @state() private people: ConversationPerson[] = [];
  @state() private chosen: ConversationPerson[] = [];
  /** The message being edited, and its draft. */
  @state() private editing?: { id: string; draft: string; error: string };
  /** The message whose deletion awaits confirmation. */
  @state() private confirmingDelete = '';
  /** People picked for mentions in the draft (kept while their `@Name` is still in it). */
  private mentioned = new Map<string, ConversationPerson>();
  #unlisten: Array<() => void> = [];
  #now = new Date();

  private get chat() {
    return conversationClient(this.client).conversations;
  }

  protected override updated(changed: PropertyValues): void {
    if ((changed.has('client') || changed.has('recordKind') || changed.has('recordId')) && this.client) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopListening();
  }

  private stopListening() {
    for (const off of this.#unlisten) off();
    this.#unlisten = [];
  }

  /** Follows new messages and read marks live (when the client has realtime). */
  private listen() {
    this.stopListening();
    const realtime = conversationClient(this.client).realtime;
    if (!realtime?.on) return;
    // Pushes sent before the socket connected (first, or after a reconnect) never arrive: read again then.
    this.#unlisten.push(
      realtime.on('conversation.message', (pushed) => this.received(pushed), { onConnected: () => void this.refresh() }),
      realtime.on('conversation.message.updated', (pushed) => this.changed(pushed)),
      realtime.on('conversation.read', (state) => {
        this.conversations = this.conversations.map((c) => (c.id === state.conversationId ? { ...c, unreadCount: 0 } : c));
      }),
    );
  }

  private received(pushed: ConversationMessagePushed) {
    if (this.open?.id === pushed.conversationId) {
      if (!this.messages.some((m) => m.id === pushed.message.id)) {
        this.messages = [...this.messages, pushed.message];
        if (pushed.message.authorId !== this.user?.id) this.notice = this.msg('messages.newFrom', { name: pushed.message.authorName });
      }
      void this.chat.markRead(pushed.conversationId).catch(() => undefined);
      return;
    }
    const known = this.conversations.find((c) => c.id === pushed.conversationId);
    if (known) {
      const updated = { ...known, unreadCount: pushed.unreadCount, lastMessageAt: pushed.message.createdAt, lastMessagePreview: pushed.message.body.slice(0, 140) };
      this.conversations = [updated, ...this.conversations.filter((c) => c.id !== known.id)];
    } else if (!this.recordId) void this.loadInbox();
  }

  /** An edited or deleted message replaces the one shown. */
  private changed(pushed: ConversationMessageUpdated) {
    if (this.open?.id !== pushed.conversationId) return;
    this.replace(pushed.message);
  }

  private replace(message: ConversationMessage) {
    this.messages = this.messages.map((m) => (m.id === message.id ? message : m));
    if (message.deletedAt && this.editing?.id === message.id) this.editing = undefined;
  }

  /** Reads the thread or the inbox again. */
  async load(): Promise<void> {
    this.loadError = '';
    this.#now = new Date();
    try {
      if (this.recordKind && this.recordId) {
        await this.openConversation(await this.chat.forRecord(this.recordKind as ConversationRecordKind, this.recordId));
      } else {
        this.open = undefined;
        await this.loadInbox();
      }
      this.loaded = true;
      this.listen();
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  /** Reads the open conversation's messages (or the inbox) again, keeping what is shown when that fails. */
  private async refresh() {
    try {
      if (this.open) {
        const page = await this.chat.messages(this.open.id, { limit: 100 });
        const loaded = [...page.data].reverse();
        const ids = new Set(loaded.map((m) => m.id));
        this.messages = [...loaded, ...this.messages.filter((m) => !ids.has(m.id) && m.createdAt > (loaded.at(-1)?.createdAt ?? ''))];
      } else await this.loadInbox();
    } catch {
      // The next push or reload brings it.
    }
  }

  private async loadInbox() {
    this.conversations = (await this.chat.list({ limit: 50 })).data;
  }

  private async openConversation(conversation: Conversation) {
    const page = await this.chat.messages(conversation.id, { limit: 100 });
    this.messages = [...page.data].reverse();
    this.open = { ...conversation, unreadCount: 0 };
    this.conversations = this.conversations.map((c) => (c.id === conversation.id ? { ...c, unreadCount: 0 } : c));
    if (conversation.unreadCount > 0 || conversation.kind === 'record') await this.chat.markRead(conversation.id);
    await this.updateComplete;
    const log = this.renderRoot.querySelector<HTMLElement>('[data-log]');
    if (log) log.scrollTop = log.scrollHeight;
  }

  private async select(conversation: Conversation) {
    try {
      await this.openConversation(conversation);
      this.renderRoot.querySelector<HTMLElement>('[data-draft]')?.focus();
    } catch (error) {
      this.notice = readProblem(error).detail;
    }
  }

  private async back() {
    this.open = undefined;
    this.messages = [];
    await this.loadInbox();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-conversation]')?.focus();
  }

  // --- compose and mentions -------------------------------------------------------------------

  private async onDraftInput(event: Event) {
    const area = event.target as HTMLTextAreaElement;
    this.draft = area.value;
    this.draftError = '';
    const before = area.value.slice(0, area.selectionStart ?? area.value.length);
    const match = /(^|\s)@([\p{L}\p{N}._-]{0,30})$/u.exec(before);
    if (!match) {
      this.closeSuggestions();
      return;
    }
    const query = { start: before.length - match[2]!.length - 1, text: match[2]! };
    this.mention = query;
    try {
      const found = (await this.chat.people({ q: query.text, limit: 8 })).data.filter((p) => p.id !== this.user?.id);
      if (this.mention === query) {
        this.suggestions = found;
        this.active = 0;
      }
    } catch {
      this.suggestions = [];
    }
  }

  private closeSuggestions() {
    this.mention = undefined;
    this.suggestions = [];
  }

  private pick(person: ConversationPerson) {
    const query = this.mention;
    const area = this.renderRoot.querySelector<HTMLTextAreaElement>('[data-draft]');
    if (!query || !area) return;
    const end = query.start + 1 + query.text.length;
    const inserted = `@${person.name} `;
    this.draft = this.draft.slice(0, query.start) + inserted + this.draft.slice(end);
    this.mentioned.set(person.id, person);
    this.closeSuggestions();
    area.value = this.draft;
    const caret = query.start + inserted.length;
    area.focus();
    area.setSelectionRange(caret, caret);
  }

  private onDraftKeydown(event: KeyboardEvent) {
    if (this.suggestions.length) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        this.active = (this.active + step + this.suggestions.length) % this.suggestions.length;
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        this.pick(this.suggestions[this.active]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        this.closeSuggestions();
        return;
      }
    }
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void this.send();
    }
  }

  private async send(event?: Event) {
    event?.preventDefault();
    const conversation = this.open;
    if (!conversation || this.busy) return;
    const body = this.draft.trim();
    if (!body) {
      this.draftError = this.msg('messages.empty');
      return;
    }
    const mentionIds = [...this.mentioned.values()].filter((p) => body.includes(`@${p.name}`)).map((p) => p.id);
    this.busy = true;
    try {
      const message = await this.chat.post(conversation.id, { body, mentionIds });
      if (!this.messages.some((m) => m.id === message.id)) this.messages = [...this.messages, message];
      this.draft = '';
      this.mentioned.clear();
      this.notice = this.msg('messages.sent');
      this.emit(new CrmMessagePostedEvent({ message, conversationId: conversation.id }));
      await this.updateComplete;
      const log = this.renderRoot.querySelector<HTMLElement>('[data-log]');
      if (log) log.scrollTop = log.scrollHeight;
    } catch (error) {
      const problem = readProblem(error);
      this.draftError = problem.fieldErrors[0]?.message ?? problem.detail;
    } finally {
      this.busy = false;
    }
  }

  // --- edit and delete ------------------------------------------------------------------------

  private async startEdit(message: ConversationMessage) {
    this.confirmingDelete = '';
    this.editing = { id: message.id, draft: message.body, error: '' };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('[data-edit-draft]')?.focus();
  }

  private async endEdit(messageId: string) {
    this.editing = undefined;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-message="${messageId}"] [data-edit]`)?.focus();
  }

  private async saveEdit(event: Event, message: ConversationMessage) {
    event.preventDefault();
    const editing = this.editing;
    if (!editing || !this.open || this.busy) return;
    const body = editing.draft.trim();
    if (!body) {
      this.editing = { ...editing, error: this.msg('messages.empty') };
      return;
    }
    // Mentions kept are those still written in the text; people picked now for the composer count too.
    const known = new Map([...this.mentioned.values()].map((p) => [p.id, p.name]));
    const kept = message.mentionIds.filter((id) => !known.has(id) || body.includes(`@${known.get(id)}`));
    this.busy = true;
    try {
      const saved = await this.chat.editMessage(this.open.id, message.id, { body, mentionIds: kept });
      this.replace(saved);
      this.notice = this.msg('messages.edited');
      this.emit(new CrmMessageEditedEvent({ message: saved, conversationId: this.open.id }));
      await this.endEdit(message.id);
    } catch (error) {
      const problem = readProblem(error);
      this.editing = { ...editing, error: problem.fieldErrors[0]?.message ?? problem.detail };
    } finally {
      this.busy = false;
    }
  }

  private onEditKeydown(event: KeyboardEvent, message: ConversationMessage) {
    if (event.key === 'Escape') {
      event.preventDefault();
      void this.endEdit(message.id);
    } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      void this.saveEdit(event, message);
    }
  }

  private async askDelete(message: ConversationMessage) {
    this.editing = undefined;
    this.confirmingDelete = message.id;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[data-confirm-delete]')?.focus();
  }

  private async cancelDelete(messageId: string) {
    this.confirmingDelete = '';
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-message="${messageId}"] [data-delete]`)?.focus();
  }

  private async confirmDelete(message: ConversationMessage) {
    if (!this.open || this.busy) return;
    this.busy = true;
    try {
      const tombstone = await this.chat.deleteMessage(this.open.id, message.id);
      this.confirmingDelete = '';
      this.replace(tombstone);
      this.notice = this.msg('messages.deletedNotice');
      this.emit(new CrmMessageDeletedEvent({ message: tombstone, conversationId: this.open.id }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-draft]')?.focus();
    } catch (error) {
      this.notice = readProblem(error).detail;
    } finally {
      this.busy = false;
    }
  }

  // --- new direct conversation ------------------------------------------------------------------

  private async searchPeople(event: Event) {
    this.peopleQuery = (event.target as HTMLInputElement).value;
    try {
      this.people = (await this.chat.people({ q: this.peopleQuery, limit: 8 })).data.filter((p) => p.id !== this.user?.id && !this.chosen.some((c) => c.id === p.id));
    } catch {
      this.people = [];
    }
  }

  private async startConversation(event: Event) {
    event.preventDefault();
    if (!this.chosen.length) {
      this.notice = this.msg('messages.pickSomeone');
      return;
    }
    try {
      const conversation = await this.chat.createDirect({ participantIds: this.chosen.map((p) => p.id) });
      this.chosen = [];
      this.people = [];
      this.peopleQuery = '';
      if (!this.conversations.some((c) => c.id === conversation.id)) this.conversations = [conversation, ...this.conversations];
      await this.select(conversation);
    } catch (error) {
      this.notice = readProblem(error).detail;
    }
  }

  // --- rendering ----------------------------------------------------------------------------

  private when(iso: string | null | undefined) {
    if (!iso) return nothing;
    return html`<time datetime=${iso} title=${formatDateTime(iso, this.activeLocale)}>${formatRelative(iso, this.activeLocale, this.#now)}</time>`;
  }

  private renderInbox() {
    const unread = this.conversations.reduce((sum, c) => sum + c.unreadCount, 0);
    return html`<section class="inbox" part="inbox" aria-labelledby="inbox-heading">
      <h3 id="inbox-heading">${this.msg('messages.inbox')} <span class="count" data-unread-total>${this.plural('messages.unread', unread)}</span></h3>
      ${this.conversations.length
        ? html`<ul class="conversations">${this.conversations.map(
            (c) => html`<li>
              <button type="button" class="conversation" data-conversation=${c.id} @click=${() => this.select(c)}>
                <span class="title">${c.title || this.msg('messages.untitled')}</span>
                ${c.kind === 'record' ? html`<span class="kind">${c.recordKind}</span>` : nothing}
                ${c.unreadCount ? html`<span class="badge" data-unread><span aria-hidden="true">${c.unreadCount}</span><span class="sr-only">${this.plural('messages.unread', c.unreadCount)}</span></span>` : nothing}
                <span class="preview">${c.lastMessagePreview}</span>
                <span class="when">${this.when(c.lastMessageAt ?? c.createdAt)}</span>
              </button>
            </li>`,
          )}</ul>`
        : html`<crm-state kind="empty" message=${this.msg('messages.noConversations')}></crm-state>`}
      <form class="start" @submit=${(e: Event) => this.startConversation(e)} aria-labelledby="start-heading">
        <h4 id="start-heading">${this.msg('messages.start')}</h4>
        <label class="block">${this.msg('messages.findPeople')}
          <input data-people type="search" .value=${this.peopleQuery} @input=${(e: Event) => this.searchPeople(e)} autocomplete="off" />
        </label>
        ${this.people.length
          ? html`<ul class="people">${this.people.map((p) => html`<li><button type="button" data-person=${p.id} @click=${() => { this.chosen = [...this.chosen, p]; this.people = this.people.filter((x) => x.id !== p.id); }}>${this.msg('messages.add', { name: p.name })}</button></li>`)}</ul>`
          : nothing}
        ${this.chosen.length
          ? html`<p class="chosen" data-chosen>${this.chosen.map((p) => html`<span class="chip">${p.name} <button type="button" aria-label=${this.msg('messages.remove', { name: p.name })} @click=${() => (this.chosen = this.chosen.filter((x) => x.id !== p.id))}>×</button></span>`)}</p>`
          : nothing}
        <button type="submit" class="primary" data-start>${this.msg('messages.startButton')}</button>
      </form>
    </section>`;
  }

  private renderMessage(m: ConversationMessage, own: boolean) {
    const classes = ['message', own ? 'own' : '', m.deletedAt ? 'deleted' : ''].filter(Boolean).join(' ');
    if (m.deletedAt) {
      return html`<li class=${classes} data-message=${m.id}>
        <p class="meta"><strong>${m.authorName}</strong> ${this.when(m.createdAt)}</p>
        <p class="body tombstone" data-tombstone>${this.msg('messages.deleted')}</p>
      </li>`;
    }
    const editing = this.editing?.id === m.id ? this.editing : undefined;
    return html`<li class=${classes} data-message=${m.id}>
      <p class="meta"><strong>${m.authorName}</strong> ${this.when(m.createdAt)}
        ${m.editedAt ? html`<span class="edited" data-edited title=${formatDateTime(m.editedAt, this.activeLocale)}>${this.msg('messages.editedMark')}</span>` : nothing}</p>
      ${editing
        ? html`<form class="edit" @submit=${(e: Event) => this.saveEdit(e, m)} novalidate>
            <label class="sr-only" for=${`edit-${m.id}`}>${this.msg('messages.editLabel')}</label>
            <textarea id=${`edit-${m.id}`} data-edit-draft rows="2" maxlength="10000" .value=${editing.draft}
              aria-invalid=${editing.error ? 'true' : 'false'} aria-describedby=${editing.error ? `edit-error-${m.id}` : nothing}
              @input=${(e: Event) => (this.editing = { ...editing, draft: (e.target as HTMLTextAreaElement).value, error: '' })}
              @keydown=${(e: KeyboardEvent) => this.onEditKeydown(e, m)}></textarea>
            ${editing.error ? html`<p id=${`edit-error-${m.id}`} class="field-error" role="alert">${editing.error}</p>` : nothing}
            <div class="actions">
              <button type="submit" class="primary" data-save-edit ?disabled=${this.busy}>${this.msg('messages.save')}</button>
              <button type="button" data-cancel-edit @click=${() => this.endEdit(m.id)}>${this.msg('messages.cancel')}</button>
            </div>
          </form>`
        : html`<p class="body">${m.body}</p>`}
      ${m.attachments.length ? html`<ul class="files">${m.attachments.map((a) => html`<li>📎 ${a.name}</li>`)}</ul>` : nothing}
      ${this.confirmingDelete === m.id
        ? html`<div class="actions confirm" role="group" aria-label=${this.msg('messages.confirmDelete')}>
            <span>${this.msg('messages.confirmDelete')}</span>
            <button type="button" class="danger" data-confirm-delete ?disabled=${this.busy} @click=${() => this.confirmDelete(m)}>${this.msg('messages.delete')}</button>
            <button type="button" data-cancel-delete @click=${() => this.cancelDelete(m.id)}>${this.msg('messages.cancel')}</button>
          </div>`
        : editing || !(own || this.moderate)
          ? nothing
          : html`<div class="actions">
              ${own ? html`<button type="button" class="link" data-edit @click=${() => this.startEdit(m)}>${this.msg('messages.edit')}</button>` : nothing}
              <button type="button" class="link" data-delete @click=${() => this.askDelete(m)}>${this.msg('messages.delete')}</button>
            </div>`}
    </li>`;
  }

  private renderThread(conversation: Conversation) {
    const mine = (m: ConversationMessage) => m.authorId === this.user?.id;
    const listboxOpen = this.suggestions.length > 0;
    return html`<section class="thread" aria-labelledby="thread-heading">
      <header>
        ${this.recordId ? nothing : html`<button type="button" data-back @click=${() => this.back()}>${this.msg('messages.back')}</button>`}
        <h3 id="thread-heading" tabindex="-1">${conversation.title || this.msg('messages.untitled')}</h3>
        <span class="count">${this.plural('messages.count', this.messages.length)}</span>
      </header>
      <div class="log" part="log" data-log role="log" aria-live="polite" aria-labelledby="thread-heading" tabindex="0">
        ${this.messages.length
          ? html`<ol class="messages">${this.messages.map(
              (m) => this.renderMessage(m, mine(m)),
            )}</ol>`
          : html`<p class="empty" data-empty>${this.msg('messages.noMessages')}</p>`}
      </div>
      <form class="composer" part="composer" @submit=${(e: Event) => this.send(e)} novalidate>
        <label for="draft">${this.msg('messages.write')}</label>
        <div class="compose-wrap">
          <textarea id="draft" data-draft rows="3" .value=${this.draft} maxlength="10000"
            role="combobox" aria-autocomplete="list" aria-expanded=${listboxOpen ? 'true' : 'false'} aria-controls="suggestions"
            aria-activedescendant=${listboxOpen ? `s-${this.active}` : nothing}
            aria-describedby=${this.draftError ? 'draft-error draft-hint' : 'draft-hint'} aria-invalid=${this.draftError ? 'true' : 'false'}
            @input=${(e: Event) => this.onDraftInput(e)} @keydown=${(e: KeyboardEvent) => this.onDraftKeydown(e)}></textarea>
          <ul id="suggestions" class="suggestions" part="suggestions" role="listbox" aria-label=${this.msg('messages.suggestions')} ?hidden=${!listboxOpen}>
            ${this.suggestions.map(
              (p, i) => html`<li id=${`s-${i}`} role="option" aria-selected=${i === this.active ? 'true' : 'false'} data-suggestion=${p.id}
                @mousedown=${(e: Event) => { e.preventDefault(); this.pick(p); }}>${p.name} <small>${p.email}</small></li>`,
            )}
          </ul>
        </div>
        <p id="draft-hint" class="hint">${this.msg('messages.hint')}</p>
        ${this.draftError ? html`<p id="draft-error" class="field-error" role="alert">${this.draftError}</p>` : nothing}
        <button type="submit" class="primary" data-send ?disabled=${this.busy}>${this.msg('messages.send')}</button>
      </form>
    </section>`;
  }

  override render() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    return html`
      ${this.open ? this.renderThread(this.open) : this.renderInbox()}
      <p class="notice" role="status">${this.notice}</p>
    `;
  }
}
