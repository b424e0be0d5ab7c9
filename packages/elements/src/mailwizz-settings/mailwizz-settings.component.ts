import { Task as LitTask } from '@lit/task';
import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { MailwizzSettings, MailwizzSync, Segment } from '@crm/client-sdk';
import { adminStyles, inputField, runAdminAction, selectField, type FieldErrors } from '../shared/admin-form.js';
import { readProblem } from '../shared/api/errors.js';
import { mailwizzClient } from '../shared/api/mailwizz.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatCount, formatDateTime } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { mailwizzSettingsStyles } from './mailwizz-settings.styles.js';

interface Loaded {
  settings: MailwizzSettings | null;
  syncs: MailwizzSync[];
  segments: Segment[];
}

/**
 * The agency's Mailwizz 1.9 connection (issue 22): the API URL and key pair (write-only: shown only as
 * "set, ends in …"), the sender of pushed lists, a connection test, and the segments pushed as Mailwizz
 * lists with their last sync (status, progress) and a "Sync now" for each. Calls `crm.mailwizz.*`;
 * saving the connection needs the `tenant:update` permission (Admin).
 *
 * @summary Connect Mailwizz, test it, and push segments as lists.
 *
 * @csspart connection - The connection form.
 * @csspart syncs - The segments pushed to Mailwizz.
 * @csspart message - A message about the last action.
 *
 * @cssproperty --crm-mailwizz-settings-background - Background of the panels. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmMailwizzSettings extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, mailwizzSettingsStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private form = { apiUrl: '', publicKey: '', privateKey: '', fromName: '', fromEmail: '' };
  @state() private segmentId = '';
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';

  private readonly loaded = new LitTask(this, {
    args: () => [this.client] as const,
    task: async ([client], { signal }): Promise<Loaded> => {
      if (!client) return { settings: null, syncs: [], segments: [] };
      const api = mailwizzClient(client).mailwizz;
      const settings = await api.settings({ signal }).catch((error: unknown) => {
        if (readProblem(error).status === 404) return null;
        throw error;
      });
      const [syncs, segments] = await Promise.all([api.syncs({ signal }), mailwizzClient(client).segments.list({ resource: 'contact', limit: 100 }, { signal })]);
      if (settings) this.form = { apiUrl: settings.apiUrl, publicKey: '', privateKey: '', fromName: settings.fromName, fromEmail: settings.fromEmail };
      return { settings, syncs, segments: segments.data };
    },
  });

  private get mailwizz() {
    return mailwizzClient(this.client).mailwizz;
  }

  /** Reads the connection and the syncs again. */
  reload(): void {
    void this.loaded.run();
  }

  private run(work: () => Promise<void>): Promise<void> {
    return runAdminAction(
      this.renderRoot,
      () => ({ busy: this.busy, message: this.message, errors: this.errors }),
      (patch) => Object.assign(this, patch),
      work,
    );
  }

  private save(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    return this.run(async () => {
      const { apiUrl, publicKey, privateKey, fromName, fromEmail } = this.form;
      await this.mailwizz.saveSettings({ apiUrl: apiUrl.trim(), fromName: fromName.trim(), fromEmail: fromEmail.trim(), ...(publicKey.trim() ? { publicKey: publicKey.trim() } : {}), ...(privateKey.trim() ? { privateKey: privateKey.trim() } : {}) });
      this.message = this.msg('mailwizz.saved');
      this.reload();
    });
  }

  private test(): Promise<void> {
    return this.run(async () => {
      const result = await this.mailwizz.testConnection();
      this.message = result.ok ? this.msg('mailwizz.testOk', { detail: result.message }) : this.msg('mailwizz.testFailed', { detail: result.message });
      this.reload();
    });
  }

  private syncNow(segmentId: string): Promise<void> {
    return this.run(async () => {
      if (!segmentId) {
        this.errors = { segmentId: this.msg('mailwizz.chooseSegment') };
        this.message = this.errors.segmentId!;
        return;
      }
      const sync = await this.mailwizz.sync(segmentId);
      this.message = this.msg('mailwizz.queued', { list: sync.listName });
      this.reload();
    });
  }

  private keyHint(key: { set: boolean; last4: string } | undefined): string {
    return key?.set ? this.msg('mailwizz.keySet', { last4: key.last4 }) : this.msg('mailwizz.keyRequired');
  }

  private renderConnection(settings: MailwizzSettings | null) {
    const set = (field: keyof CrmMailwizzSettings['form']) => (value: string) => (this.form = { ...this.form, [field]: value });
    return html`<form part="connection" class="panel" novalidate aria-labelledby="connection-heading" @submit=${this.save}>
      <h3 id="connection-heading">${this.msg('mailwizz.heading')}</h3>
      <p class="muted">${this.msg('mailwizz.explained')}</p>
      <div class="fields">
        ${inputField({ field: 'apiUrl', type: 'url', label: this.msg('mailwizz.apiUrl'), value: this.form.apiUrl, error: this.errors.apiUrl, onInput: set('apiUrl') })}
        ${inputField({ field: 'publicKey', type: 'password', label: this.msg('mailwizz.publicKey'), hint: this.keyHint(settings?.publicKey), value: this.form.publicKey, error: this.errors.publicKey, onInput: set('publicKey') })}
        ${inputField({ field: 'privateKey', type: 'password', label: this.msg('mailwizz.privateKey'), hint: this.keyHint(settings?.privateKey), value: this.form.privateKey, error: this.errors.privateKey, onInput: set('privateKey') })}
        ${inputField({ field: 'fromName', label: this.msg('mailwizz.fromName'), value: this.form.fromName, error: this.errors.fromName, onInput: set('fromName') })}
        ${inputField({ field: 'fromEmail', type: 'email', label: this.msg('mailwizz.fromEmail'), value: this.form.fromEmail, error: this.errors.fromEmail, onInput: set('fromEmail') })}
      </div>
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('mailwizz.save')}</button>
        <button type="button" data-test ?disabled=${this.busy || !settings} @click=${this.test}>${this.msg('mailwizz.test')}</button>
      </div>
      ${settings?.lastTest
        ? html`<p data-last-test class=${settings.lastTest.ok ? 'ok' : 'failed'}>
            ${this.msg(settings.lastTest.ok ? 'mailwizz.lastTestOk' : 'mailwizz.lastTestFailed', { at: formatDateTime(settings.lastTest.at, this.activeLocale, this.activeTimeZone) })}
          </p>`
        : nothing}
    </form>`;
  }

  private renderSyncs({ settings, syncs, segments }: Loaded) {
    const unsynced = segments.filter((s) => !syncs.some((sync) => sync.segmentId === s.id));
    return html`<section part="syncs" class="panel" aria-labelledby="syncs-heading">
      <h3 id="syncs-heading">${this.msg('mailwizz.syncsHeading')}</h3>
      ${syncs.length
        ? html`<div class="table-wrap"><table>
            <caption>${this.plural('mailwizz.lists', syncs.length)}</caption>
            <thead><tr>
              <th scope="col">${this.msg('mailwizz.segment')}</th><th scope="col">${this.msg('mailwizz.status')}</th>
              <th scope="col">${this.msg('mailwizz.progress')}</th><th scope="col">${this.msg('mailwizz.finished')}</th><th scope="col">${this.msg('mailwizz.actions')}</th>
            </tr></thead>
            <tbody>${syncs.map(
              (s) => html`<tr data-sync=${s.segmentId}>
                <th scope="row">${s.listName}</th>
                <td class=${s.status === 'failed' ? 'failed' : ''}>${this.msgOr(`mailwizz.status.${s.status}`, s.status)}${s.lastError ? html`<br /><span class="muted">${s.lastError}</span>` : nothing}</td>
                <td>${this.msg('mailwizz.counts', { processed: formatCount(s.progress.processed, this.activeLocale), total: formatCount(s.progress.total, this.activeLocale), created: formatCount(s.progress.created, this.activeLocale), updated: formatCount(s.progress.updated, this.activeLocale), removed: formatCount(s.progress.removed, this.activeLocale) })}</td>
                <td>${s.finishedAt ? formatDateTime(s.finishedAt, this.activeLocale, this.activeTimeZone) : '–'}</td>
                <td><button type="button" data-sync-now ?disabled=${this.busy || !settings} aria-label=${this.msg('mailwizz.syncNamed', { list: s.listName })} @click=${() => this.syncNow(s.segmentId)}>${this.msg('mailwizz.syncNow')}</button></td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : html`<p class="muted">${this.msg('mailwizz.noSyncs')}</p>`}
      ${unsynced.length
        ? html`<div class="actions">
            ${selectField({ field: 'segmentId', label: this.msg('mailwizz.addSegment'), value: this.segmentId, error: this.errors.segmentId, options: [{ value: '', label: this.msg('mailwizz.chooseSegment') }, ...unsynced.map((s) => ({ value: s.id, label: s.name }))], onInput: (v) => (this.segmentId = v) })}
            <button type="button" data-push ?disabled=${this.busy || !settings} @click=${() => this.syncNow(this.segmentId)}>${this.msg('mailwizz.push')}</button>
          </div>`
        : nothing}
    </section>`;
  }

  override render() {
    return this.loaded.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: (loaded) => html`${this.renderConnection(loaded.settings)}
        <p part="message" class="banner" role="status">${this.message}</p>
        ${this.renderSyncs(loaded)}`,
    });
  }
}
