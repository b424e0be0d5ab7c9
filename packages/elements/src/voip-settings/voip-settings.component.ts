import { Task as LitTask } from '@lit/task';
import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { VoipCall, VoipPhone } from '@crm/client-sdk';
import { CrmVoipPhoneSavedEvent } from '../events/call-events.js';
import { adminStyles, checkboxField, inputField, runAdminAction, type FieldErrors } from '../shared/admin-form.js';
import { readProblem } from '../shared/api/errors.js';
import { voipClient } from '../shared/api/voip.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { voipSettingsStyles, voipUrlStyles } from './voip-settings.styles.js';

interface Loaded {
  phone: VoipPhone | null;
  calls: VoipCall[];
}

/**
 * The signed-in user's Yealink desk phone (issue 22): its address and web login (the password is
 * write-only), the action URLs to paste into the phone so calls come back to the CRM, the latest calls
 * with direction, outcome and talk time, and the import of a call-log (CDR) export. Calls `crm.voip.*`.
 *
 * @summary Set up your Yealink phone, see your calls, import a call log.
 *
 * @event crm-voip-phone-saved - The phone settings were saved.
 *
 * @csspart phone - The phone form.
 * @csspart action-urls - The action URLs to configure on the phone.
 * @csspart calls - The latest calls.
 * @csspart import - The call-log import.
 * @csspart message - A message about the last action.
 *
 * @cssproperty --crm-voip-settings-background - Background of the panels. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmVoipSettings extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, voipSettingsStyles, voipUrlStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private form = { host: '', https: false, username: 'admin', password: '', extension: '', outgoingUri: '' };
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';

  private readonly loaded = new LitTask(this, {
    args: () => [this.client] as const,
    task: async ([client], { signal }): Promise<Loaded> => {
      if (!client) return { phone: null, calls: [] };
      const api = voipClient(client).voip;
      const [phone, calls] = await Promise.all([
        api.phone({ signal }).catch((error: unknown) => {
          if (readProblem(error).status === 404) return null;
          throw error;
        }),
        api.calls({ limit: 10 }, { signal }),
      ]);
      if (phone) this.form = { host: phone.host, https: phone.https, username: phone.username, password: '', extension: phone.extension, outgoingUri: phone.outgoingUri };
      return { phone, calls };
    },
  });

  /** Reads the phone and the calls again. */
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
      const { host, https, username, password, extension, outgoingUri } = this.form;
      const saved = await voipClient(this.client).voip.savePhone({ host: host.trim(), https, username: username.trim(), extension: extension.trim(), outgoingUri: outgoingUri.trim(), ...(password ? { password } : {}) });
      this.message = this.msg('voip.saved');
      this.emit(new CrmVoipPhoneSavedEvent({ host: saved.host }));
      this.reload();
    });
  }

  private importFile(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return Promise.resolve();
    return this.run(async () => {
      const result = await voipClient(this.client).voip.importCdr(await file.text());
      this.message = this.msg('voip.imported', { imported: result.imported, duplicates: result.duplicates, unmatched: result.unmatched, errors: result.errors.length });
      input.value = '';
      this.reload();
    });
  }

  private renderPhone(phone: VoipPhone | null) {
    const set = (field: 'host' | 'username' | 'password' | 'extension' | 'outgoingUri') => (value: string) => (this.form = { ...this.form, [field]: value });
    return html`<form part="phone" class="panel" novalidate aria-labelledby="phone-heading" @submit=${this.save}>
      <h3 id="phone-heading">${this.msg('voip.heading')}</h3>
      <p class="muted">${this.msg('voip.explained')}</p>
      <div class="fields">
        ${inputField({ field: 'host', label: this.msg('voip.host'), hint: this.msg('voip.hostHint'), value: this.form.host, error: this.errors.host, onInput: set('host') })}
        ${inputField({ field: 'username', label: this.msg('voip.username'), value: this.form.username, error: this.errors.username, onInput: set('username') })}
        ${inputField({ field: 'password', type: 'password', label: this.msg('voip.password'), hint: phone?.password.set ? this.msg('voip.passwordSet') : this.msg('voip.passwordRequired'), value: this.form.password, error: this.errors.password, onInput: set('password') })}
        ${inputField({ field: 'extension', label: this.msg('voip.extension'), value: this.form.extension, error: this.errors.extension, onInput: set('extension') })}
        ${inputField({ field: 'outgoingUri', label: this.msg('voip.outgoingUri'), hint: this.msg('voip.outgoingUriHint'), value: this.form.outgoingUri, error: this.errors.outgoingUri, onInput: set('outgoingUri') })}
        ${checkboxField({ field: 'https', label: this.msg('voip.https'), checked: this.form.https, onChange: (checked) => (this.form = { ...this.form, https: checked }) })}
      </div>
      <div class="actions">
        <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('voip.save')}</button>
      </div>
      ${phone?.lastDial
        ? html`<p data-last-dial class=${phone.lastDial.ok ? 'ok' : 'failed'}>${this.msg(phone.lastDial.ok ? 'voip.lastDialOk' : 'voip.lastDialFailed', { at: formatDateTime(phone.lastDial.at, this.activeLocale, this.activeTimeZone), detail: phone.lastDial.message })}</p>`
        : nothing}
    </form>`;
  }

  private renderActionUrls(phone: VoipPhone) {
    return html`<section part="action-urls" class="panel" aria-labelledby="urls-heading">
      <h3 id="urls-heading">${this.msg('voip.actionUrls')}</h3>
      <p class="muted">${this.msg('voip.actionUrlsExplained')}</p>
      <dl>${Object.entries(phone.actionUrls).map(([event, url]) => html`<dt>${event}</dt><dd><code data-action-url=${event}>${url}</code></dd>`)}</dl>
    </section>`;
  }

  private renderCalls(calls: VoipCall[]) {
    const duration = (seconds: number) => `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
    return html`<section part="calls" class="panel" aria-labelledby="calls-heading">
      <h3 id="calls-heading">${this.msg('voip.callsHeading')}</h3>
      ${calls.length
        ? html`<div class="table-wrap"><table>
            <caption>${this.plural('voip.calls', calls.length)}</caption>
            <thead><tr>
              <th scope="col">${this.msg('voip.when')}</th><th scope="col">${this.msg('voip.direction')}</th><th scope="col">${this.msg('voip.remote')}</th>
              <th scope="col">${this.msg('voip.outcome')}</th><th scope="col">${this.msg('voip.talkTime')}</th>
            </tr></thead>
            <tbody>${calls.map(
              (c) => html`<tr data-call=${c.id}>
                <th scope="row">${formatDateTime(c.startedAt, this.activeLocale, this.activeTimeZone)}</th>
                <td>${this.msg(c.direction === 'inbound' ? 'voip.direction.inbound' : 'voip.direction.outbound')}</td>
                <td>${c.remoteDisplay ? `${c.remoteDisplay} (${c.remote})` : c.remote}</td>
                <td>${c.outcome ? this.msgOr(`voip.outcome.${c.outcome}`, c.outcome) : this.msg('voip.outcome.pending')}</td>
                <td>${duration(c.durationSeconds)}</td>
              </tr>`,
            )}</tbody>
          </table></div>`
        : html`<p class="muted">${this.msg('voip.noCalls')}</p>`}
    </section>`;
  }

  private renderImport() {
    return html`<section part="import" class="panel" aria-labelledby="import-heading">
      <h3 id="import-heading">${this.msg('voip.importHeading')}</h3>
      <div class="field">
        <label for="cdr-file">${this.msg('voip.importFile')}</label>
        <input id="cdr-file" data-field="csv" type="file" accept=".csv,text/csv" ?disabled=${this.busy} aria-describedby="cdr-file-hint" @change=${this.importFile} />
        <span id="cdr-file-hint" class="hint">${this.msg('voip.importHint')}</span>
      </div>
    </section>`;
  }

  override render() {
    return this.loaded.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: ({ phone, calls }) => html`${this.renderPhone(phone)}
        <p part="message" class="banner" role="status">${this.message}</p>
        ${phone ? this.renderActionUrls(phone) : nothing} ${this.renderCalls(calls)} ${phone ? this.renderImport() : nothing}`,
    });
  }
}
