import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { CrmStringKey } from '../i18n/index.js';
import { readProblem } from '../shared/api/errors.js';
import { webhookClient, type WebhookDelivery, type WebhookEventTypes, type WebhookSubscription } from '../shared/api/webhooks.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { CrmState } from '../state/state.component.js';
import { webhookAdminStyles } from './webhook-admin.styles.js';

/**
 * Webhook subscriptions for admins: the list with their state, a form to subscribe a URL to event kinds
 * and actions, the signing secret shown once (with a copy button) after creating or rotating, pausing
 * and resuming, and a subscription's delivery log with each delivery's state and answer, and replay.
 *
 * @summary Webhook subscriptions, secrets, delivery log and replay.
 *
 * @csspart table - The table of subscriptions.
 * @csspart secret - The box that shows a new secret once.
 * @csspart log - The delivery log of the selected subscription.
 *
 * @cssproperty --crm-webhook-admin-failed - Background of failed and disabled badges.
 * @cssproperty --crm-webhook-admin-ok - Background of succeeded and active badges.
 */
export class CrmWebhookAdmin extends CrmDataElement {
  static override styles = [controlStyles, webhookAdminStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private subscriptions: WebhookSubscription[] = [];
  @state() private eventTypes: WebhookEventTypes = { kinds: [], actions: [] };
  @state() private loaded = false;
  @state() private loadError = '';
  @state() private fieldErrors: Record<string, string> = {};
  @state() private formMessage = '';
  @state() private message = '';
  @state() private busy = false;
  /** The secret just created or rotated, with its subscription: shown once, gone on the next action. */
  @state() private shownSecret?: { id: string; url: string; secret: string };
  @state() private selected?: WebhookSubscription;
  @state() private deliveries: WebhookDelivery[] = [];

  protected override updated(changed: Map<string, unknown>): void {
    if (changed.has('client') && this.client) void this.load();
  }

  /** Reads the subscriptions and the event types again. */
  async load(): Promise<void> {
    try {
      this.loadError = '';
      const api = webhookClient(this.client).webhooks;
      const [page, types] = await Promise.all([api.list(), api.eventTypes()]);
      this.subscriptions = page.data;
      this.eventTypes = types;
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  private when(iso: string) {
    return new Intl.DateTimeFormat(this.activeLocale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  }

  private async create(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const kinds = data.getAll('kind').map(String);
    const actions = data.getAll('action').map(String);
    this.fieldErrors = {};
    this.formMessage = '';
    if (!kinds.length) {
      this.fieldErrors = { kinds: this.msg('webhookAdmin.pickKind') };
      return;
    }
    this.busy = true;
    try {
      const created = await webhookClient(this.client).webhooks.create({ url: String(data.get('url') ?? '').trim(), description: String(data.get('description') ?? '').trim(), kinds, actions });
      this.shownSecret = { id: created.id, url: created.url, secret: created.secret };
      const { secret: _secret, ...subscription } = created;
      this.subscriptions = [subscription, ...this.subscriptions];
      form.reset();
      this.message = this.msg('webhookAdmin.created');
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-copy]')?.focus();
    } catch (error) {
      const problem = readProblem(error);
      this.fieldErrors = Object.fromEntries(problem.fieldErrors.map((f) => [f.field.replace(/\.\d+$/, ''), f.message]));
      this.formMessage = problem.fieldErrors.length ? '' : problem.detail;
    } finally {
      this.busy = false;
    }
  }

  private replace(updated: WebhookSubscription) {
    this.subscriptions = this.subscriptions.map((s) => (s.id === updated.id ? updated : s));
    if (this.selected?.id === updated.id) this.selected = updated;
  }

  private async setActive(subscription: WebhookSubscription, active: boolean) {
    try {
      this.replace(await webhookClient(this.client).webhooks.update(subscription.id, { active }, { ifMatch: subscription.version }));
      this.message = this.msg(active ? 'webhookAdmin.resumed' : 'webhookAdmin.paused', { url: subscription.url });
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private async rotate(subscription: WebhookSubscription) {
    try {
      const rotated = await webhookClient(this.client).webhooks.rotateSecret(subscription.id);
      const { secret, ...rest } = rotated;
      this.replace(rest);
      this.shownSecret = { id: rotated.id, url: rotated.url, secret };
      this.message = this.msg('webhookAdmin.rotated');
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-copy]')?.focus();
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private async copySecret() {
    if (!this.shownSecret) return;
    try {
      await navigator.clipboard.writeText(this.shownSecret.secret);
      this.message = this.msg('webhookAdmin.copied');
    } catch {
      this.message = this.msg('webhookAdmin.copyFailed');
    }
  }

  private async showLog(subscription: WebhookSubscription) {
    try {
      this.deliveries = (await webhookClient(this.client).webhooks.deliveries(subscription.id, { limit: 50 })).data;
      this.selected = subscription;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[data-log-heading]')?.focus();
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private async replay(delivery: WebhookDelivery) {
    if (!this.selected) return;
    try {
      const replayed = await webhookClient(this.client).webhooks.replay(this.selected.id, delivery.id);
      this.deliveries = [replayed, ...this.deliveries];
      this.message = this.msg('webhookAdmin.replayed', { event: delivery.eventType });
    } catch (error) {
      this.message = readProblem(error).detail;
    }
  }

  private status(s: WebhookSubscription) {
    const key = s.active ? 'active' : s.disabledReason ? 'disabled' : 'paused';
    return html`<span class=${`badge ${key}`} data-status=${key} title=${s.disabledReason ?? nothing}>${this.msg(`webhookAdmin.status.${key}` as CrmStringKey)}</span>`;
  }

  private renderForm() {
    const error = (field: string) => (this.fieldErrors[field] ? html`<span class="field-error" id=${`e-${field}`} role="alert">${this.fieldErrors[field]}</span>` : nothing);
    return html`<form @submit=${(e: Event) => this.create(e)} novalidate aria-labelledby="new-heading">
      <h3 id="new-heading">${this.msg('webhookAdmin.new')}</h3>
      <label class="block">${this.msg('webhookAdmin.url')}
        <input name="url" type="url" data-field="url" required placeholder="https://erp.example.com/crm-events" aria-invalid=${this.fieldErrors.url ? 'true' : 'false'} aria-describedby=${this.fieldErrors.url ? 'e-url' : nothing} />
      </label>
      ${error('url')}
      <label class="block">${this.msg('webhookAdmin.description')} <input name="description" data-field="description" maxlength="500" /></label>
      <fieldset aria-describedby=${this.fieldErrors.kinds ? 'e-kinds' : nothing}>
        <legend>${this.msg('webhookAdmin.kinds')}</legend>
        ${this.eventTypes.kinds.map((k) => html`<label><input type="checkbox" name="kind" value=${k} data-kind=${k} /> ${k}</label>`)}
      </fieldset>
      ${error('kinds')}
      <fieldset>
        <legend>${this.msg('webhookAdmin.actions')}</legend>
        ${this.eventTypes.actions.map((a) => html`<label><input type="checkbox" name="action" value=${a} data-action=${a} /> ${a}</label>`)}
      </fieldset>
      <p class="hint">${this.msg('webhookAdmin.actionsHint')}</p>
      <p role="alert" class="field-error">${this.formMessage}</p>
      <button type="submit" class="primary" data-create ?disabled=${this.busy}>${this.msg('webhookAdmin.create')}</button>
    </form>`;
  }

  private renderSecret() {
    const shown = this.shownSecret;
    if (!shown) return nothing;
    return html`<section class="secret" part="secret" aria-labelledby="secret-heading" data-secret-box>
      <h3 id="secret-heading">${this.msg('webhookAdmin.secretHeading')}</h3>
      <p>${this.msg('webhookAdmin.secretOnce', { url: shown.url })}</p>
      <p><code data-secret>${shown.secret}</code></p>
      <div class="actions">
        <button type="button" data-copy @click=${() => this.copySecret()}>${this.msg('webhookAdmin.copy')}</button>
        <button type="button" data-dismiss @click=${() => (this.shownSecret = undefined)}>${this.msg('webhookAdmin.dismiss')}</button>
      </div>
    </section>`;
  }

  private renderLog() {
    const sub = this.selected;
    if (!sub) return nothing;
    const h = (key: CrmStringKey) => this.msg(key);
    return html`<section class="log" part="log" aria-labelledby="log-heading">
      <h3 id="log-heading" tabindex="-1" data-log-heading>${this.msg('webhookAdmin.logFor', { url: sub.url })}</h3>
      ${this.deliveries.length
        ? html`<div class="scroll"><table>
            <caption>${this.plural('webhookAdmin.deliveryCount', this.deliveries.length)}</caption>
            <thead><tr><th scope="col">${h('webhookAdmin.event')}</th><th scope="col">${h('webhookAdmin.state')}</th><th scope="col">${h('webhookAdmin.answer')}</th><th scope="col">${h('webhookAdmin.when')}</th><th scope="col">${h('webhookAdmin.actionsHeader')}</th></tr></thead>
            <tbody>${this.deliveries.map(
              (d) => html`<tr data-delivery=${d.id}>
                <th scope="row" data-label=${h('webhookAdmin.event')}>${d.eventType}${d.replayOf ? html` <span class="badge">${h('webhookAdmin.replay')}</span>` : nothing}</th>
                <td data-label=${h('webhookAdmin.state')}><span class=${`badge ${d.state}`} data-state=${d.state}>${this.msg(`webhookAdmin.state.${d.state}` as CrmStringKey)}</span></td>
                <td data-label=${h('webhookAdmin.answer')}>${d.lastStatus ?? (d.attempts.at(-1)?.error ?? '—')} · ${this.plural('webhookAdmin.attempts', d.attemptCount)}</td>
                <td data-label=${h('webhookAdmin.when')}>${this.when(d.createdAt)}</td>
                <td data-label=${h('webhookAdmin.actionsHeader')}>${d.state === 'skipped' || d.state === 'pending' ? nothing : html`<button type="button" data-replay aria-label=${this.msg('webhookAdmin.replayEvent', { event: d.eventType })} @click=${() => this.replay(d)}>${h('webhookAdmin.replay')}</button>`}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : html`<p data-log-empty>${h('webhookAdmin.noDeliveries')}</p>`}
    </section>`;
  }

  override render() {
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    const h = (key: CrmStringKey) => this.msg(key);
    return html`
      ${this.renderSecret()}
      ${this.subscriptions.length
        ? html`<div class="scroll"><table part="table">
            <caption>${this.plural('webhookAdmin.count', this.subscriptions.length)}</caption>
            <thead><tr><th scope="col">${h('webhookAdmin.url')}</th><th scope="col">${h('webhookAdmin.events')}</th><th scope="col">${h('webhookAdmin.statusHeader')}</th><th scope="col">${h('webhookAdmin.actionsHeader')}</th></tr></thead>
            <tbody>${this.subscriptions.map(
              (s) => html`<tr data-subscription=${s.id}>
                <th scope="row" class="url" data-label=${h('webhookAdmin.url')}>${s.url}${s.description ? html`<br /><small>${s.description}</small>` : nothing}</th>
                <td data-label=${h('webhookAdmin.events')}>${s.kinds.join(', ')} · ${s.actions.length ? s.actions.join(', ') : h('webhookAdmin.allActions')}</td>
                <td data-label=${h('webhookAdmin.statusHeader')}>${this.status(s)}</td>
                <td data-label=${h('webhookAdmin.actionsHeader')}><div class="actions">
                  <button type="button" data-toggle aria-label=${this.msg(s.active ? 'webhookAdmin.pauseFor' : 'webhookAdmin.resumeFor', { url: s.url })} @click=${() => this.setActive(s, !s.active)}>${h(s.active ? 'webhookAdmin.pause' : 'webhookAdmin.resume')}</button>
                  <button type="button" data-rotate aria-label=${this.msg('webhookAdmin.rotateFor', { url: s.url })} @click=${() => this.rotate(s)}>${h('webhookAdmin.rotate')}</button>
                  <button type="button" data-log aria-label=${this.msg('webhookAdmin.logFor', { url: s.url })} @click=${() => this.showLog(s)}>${h('webhookAdmin.log')}</button>
                </div></td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : html`<crm-state kind="empty" message=${h('webhookAdmin.empty')}></crm-state>`}
      ${this.renderLog()}
      ${this.renderForm()}
      <p class="message" role="status">${this.message}</p>
    `;
  }
}
