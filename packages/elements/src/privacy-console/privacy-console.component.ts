import { Task as LitTask } from '@lit/task';
import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import type { PrivacyPreview, PrivacyRequest, PrivacySubject, TermsAcceptance, TermsVersions } from '@crm/client-sdk';
import { CrmPrivacyErasedEvent, CrmPrivacyExportedEvent } from '../events/privacy-events.js';
import { adminStyles, inputField, problemOnFields, type FieldErrors } from '../shared/admin-form.js';
import { readProblem } from '../shared/api/errors.js';
import { privacyClient } from '../shared/api/privacy.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatCount, formatDateTime } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { privacyConsoleStyles } from './privacy-console.styles.js';

/** What the admin types to confirm an erasure. */
const CONFIRMATION = 'ERASE';

/**
 * The admins' console for GDPR / CCPA requests (issue 22): find a person by email or phone, see what the
 * agency holds about them (counts per kind), download everything as JSON, erase them after typing
 * `ERASE` (only a keyed hash of their email and phone stays, so imports and sign-ups refuse them), and
 * the history of requests with masked subjects. The person's export downloads as JSON or as a ZIP of
 * one CSV per kind (`crm.privacy.exportZip`), and the versions of the terms and privacy notice they
 * accepted are listed with the time and where (`crm.privacy.acceptances`), the current version marked.
 * Calls `crm.privacy.*`; needs the `privacyRequest` permission (Admin).
 *
 * @summary Look up, export and erase a person; the history of privacy requests.
 *
 * @event crm-privacy-exported - An export was made; `detail.request` is the recorded request.
 * @event crm-privacy-erased - The person was erased; `detail.request` has the counts per kind.
 *
 * @csspart search - The look-up form.
 * @csspart held - What is held about the person found.
 * @csspart acceptances - The terms and privacy versions the person accepted.
 * @csspart erase - The erasure form.
 * @csspart history - The table of past requests.
 * @csspart message - A message about the last action.
 *
 * @cssproperty --crm-privacy-console-background - Background of the panels. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmPrivacyConsole extends CrmDataElement {
  static override styles = [controlStyles, adminStyles, privacyConsoleStyles];
  static override dependencies = { 'crm-state': CrmState };

  @state() private email = '';
  @state() private phone = '';
  @state() private typed = '';
  @state() private errors: FieldErrors = {};
  @state() private busy = false;
  @state() private message = '';
  @state() private held: (PrivacyPreview & { asked: PrivacySubject }) | null = null;
  @state() private accepted: { data: TermsAcceptance[]; current: TermsVersions } | null = null;

  private readonly history = new LitTask(this, {
    args: () => [this.client] as const,
    task: async ([client], { signal }) => (client ? this.privacy.requests({ signal }) : []),
  });

  private get privacy() {
    return privacyClient(this.client).privacy;
  }

  /** Reads the request history again. */
  reload(): void {
    void this.history.run();
  }

  private subject(): PrivacySubject {
    const subject: PrivacySubject = {};
    if (this.email.trim()) subject.email = this.email.trim();
    if (this.phone.trim()) subject.phone = this.phone.trim();
    return subject;
  }

  private fail(error: unknown): void {
    const problem = readProblem(error);
    const { errors, other } = problemOnFields(problem, this.renderRoot);
    this.errors = errors;
    this.message = [...Object.values(errors), ...other].join('; ') || problem.detail;
  }

  private async run(work: () => Promise<void>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.message = '';
    this.errors = {};
    try {
      await work();
    } catch (error) {
      this.fail(error);
    } finally {
      this.busy = false;
    }
  }

  private lookup(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    return this.run(async () => {
      const asked = this.subject();
      const [found, accepted, current] = await Promise.all([this.privacy.lookup(asked), this.privacy.acceptances(asked), this.privacy.terms()]);
      this.held = { ...found, asked };
      this.accepted = { data: accepted.data, current };
      this.typed = '';
      this.message = found.found ? this.msg('privacyConsole.found', { subject: found.subject }) : this.msg('privacyConsole.notFound', { subject: found.subject });
    });
  }

  private exportData(): Promise<void> {
    return this.run(async () => {
      const exported = await this.privacy.export(this.held!.asked);
      const url = URL.createObjectURL(new Blob([JSON.stringify(exported, null, 2)], { type: 'application/json' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `privacy-export-${exported.request.id}.json`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.message = this.msg('privacyConsole.exported', { subject: exported.request.subject });
      this.emit(new CrmPrivacyExportedEvent({ request: exported.request }));
      this.reload();
    });
  }

  private exportZip(): Promise<void> {
    return this.run(async () => {
      const zip = await this.privacy.exportZip(this.held!.asked);
      const url = URL.createObjectURL(zip.type ? zip : new Blob([zip], { type: 'application/zip' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `privacy-export-${new Date().toISOString().slice(0, 10)}.zip`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.message = this.msg('privacyConsole.exportedZip', { subject: this.held!.subject });
      this.reload();
    });
  }

  private renderAccepted(accepted: { data: TermsAcceptance[]; current: TermsVersions }) {
    const current = (a: TermsAcceptance) => accepted.current[a.document]?.version === a.version;
    return html`<section part="acceptances" aria-labelledby="accepted-heading">
      <h4 id="accepted-heading">${this.msg('privacyConsole.acceptedHeading')}</h4>
      ${accepted.data.length
        ? html`<table>
            <caption>${this.plural('privacyConsole.acceptances', accepted.data.length)}</caption>
            <thead><tr>
              <th scope="col">${this.msg('privacyConsole.document')}</th><th scope="col">${this.msg('privacyConsole.version')}</th>
              <th scope="col">${this.msg('privacyConsole.acceptedAt')}</th><th scope="col">${this.msg('privacyConsole.where')}</th>
            </tr></thead>
            <tbody>${accepted.data.map(
              (a) => html`<tr data-acceptance=${a.id}>
                <th scope="row">${this.msgOr(`privacyConsole.document.${a.document}`, a.document)}</th>
                <td>${a.version}${current(a) ? html` <span class="muted">(${this.msg('privacyConsole.current')})</span>` : nothing}</td>
                <td><time datetime=${a.acceptedAt}>${formatDateTime(a.acceptedAt, this.activeLocale, this.activeTimeZone)}</time></td>
                <td>${a.source === 'portal' ? this.msg('privacyConsole.source.portal') : a.source.startsWith('campaign:') ? this.msg('privacyConsole.source.campaign', { code: a.source.slice('campaign:'.length) }) : a.source}</td>
              </tr>`,
            )}</tbody>
          </table>`
        : html`<p class="muted">${this.msg('privacyConsole.noAcceptances')}</p>`}
    </section>`;
  }

  private erase(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    return this.run(async () => {
      if (this.typed !== CONFIRMATION) {
        this.errors = { confirmation: this.msg('privacyConsole.confirmHint', { word: CONFIRMATION }) };
        this.message = this.errors.confirmation!;
        return;
      }
      const request = await this.privacy.erase(this.held!.asked, this.typed);
      this.held = null;
      this.accepted = null;
      this.typed = '';
      this.message = this.msg('privacyConsole.erased', { subject: request.subject });
      this.emit(new CrmPrivacyErasedEvent({ request }));
      this.reload();
    });
  }

  private kindLabel(kind: string): string {
    return this.msgOr(`privacyConsole.kind.${kind}`, kind);
  }

  private renderHeld(held: PrivacyPreview) {
    const kinds = Object.entries(held.counts).filter(([, n]) => n > 0);
    return html`<section part="held" class="panel" aria-labelledby="held-heading">
      <h3 id="held-heading">${this.msg('privacyConsole.heldHeading', { subject: held.subject })}</h3>
      ${kinds.length
        ? html`<table>
            <caption>${this.plural('privacyConsole.records', kinds.reduce((sum, [, n]) => sum + n, 0))}</caption>
            <thead><tr><th scope="col">${this.msg('privacyConsole.kind')}</th><th scope="col" class="num">${this.msg('privacyConsole.count')}</th></tr></thead>
            <tbody>${kinds.map(([kind, n]) => html`<tr><th scope="row">${this.kindLabel(kind)}</th><td class="num">${formatCount(n, this.activeLocale)}</td></tr>`)}</tbody>
          </table>`
        : html`<p>${this.msg('privacyConsole.nothingHeld')}</p>`}
      <div class="actions">
        <button type="button" data-export ?disabled=${this.busy || !held.found} aria-busy=${this.busy ? 'true' : 'false'} @click=${this.exportData}>${this.msg('privacyConsole.export')}</button>
        <button type="button" data-export-zip ?disabled=${this.busy || !held.found} aria-busy=${this.busy ? 'true' : 'false'} @click=${this.exportZip}>${this.msg('privacyConsole.exportZip')}</button>
      </div>
      ${this.accepted ? this.renderAccepted(this.accepted) : nothing}
      ${held.found
        ? html`<form part="erase" class="erase" novalidate aria-labelledby="erase-heading" @submit=${this.erase}>
            <h4 id="erase-heading">${this.msg('privacyConsole.eraseHeading')}</h4>
            <p class="muted">${this.msg('privacyConsole.eraseExplained')}</p>
            ${inputField({ field: 'confirmation', label: this.msg('privacyConsole.confirmLabel', { word: CONFIRMATION }), value: this.typed, error: this.errors.confirmation, onInput: (v) => (this.typed = v) })}
            <button type="submit" class="primary danger" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('privacyConsole.erase')}</button>
          </form>`
        : nothing}
    </section>`;
  }

  private renderHistory(requests: readonly PrivacyRequest[]) {
    if (!requests.length) return html`<p class="muted">${this.msg('privacyConsole.noRequests')}</p>`;
    return html`<table>
      <caption>${this.plural('privacyConsole.requests', requests.length)}</caption>
      <thead><tr>
        <th scope="col">${this.msg('privacyConsole.when')}</th><th scope="col">${this.msg('privacyConsole.type')}</th>
        <th scope="col">${this.msg('privacyConsole.subject')}</th><th scope="col">${this.msg('privacyConsole.status')}</th>
      </tr></thead>
      <tbody>${requests.map(
        (r) => html`<tr data-request=${r.id}>
          <td>${formatDateTime(r.createdAt, this.activeLocale, this.activeTimeZone)}</td>
          <td>${this.msgOr(`privacyConsole.type.${r.type}`, r.type)}${r.source === 'retention' ? html` <span class="muted">(${this.msg('privacyConsole.retention')})</span>` : nothing}</td>
          <td>${r.subject}</td>
          <td>${this.msgOr(`privacyConsole.status.${r.status}`, r.status)}</td>
        </tr>`,
      )}</tbody>
    </table>`;
  }

  override render() {
    const history = this.history.render({
      initial: () => html`<crm-state kind="loading"></crm-state>`,
      pending: () => html`<crm-state kind="loading"></crm-state>`,
      error: (error) => html`<crm-state kind="error" message=${readProblem(error).detail} @crm-retry-requested=${this.reload}></crm-state>`,
      complete: (requests) => this.renderHistory(requests),
    });
    return html`<form part="search" class="panel" novalidate aria-labelledby="search-heading" @submit=${this.lookup}>
        <h3 id="search-heading">${this.msg('privacyConsole.heading')}</h3>
        <p class="muted">${this.msg('privacyConsole.explained')}</p>
        <div class="fields">
          ${inputField({ field: 'email', type: 'email', label: this.msg('privacyConsole.email'), value: this.email, error: this.errors.email, onInput: (v) => (this.email = v) })}
          ${inputField({ field: 'phone', type: 'tel', label: this.msg('privacyConsole.phone'), value: this.phone, error: this.errors.phone, onInput: (v) => (this.phone = v) })}
        </div>
        <button type="submit" class="primary" ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>${this.msg('privacyConsole.lookup')}</button>
      </form>
      ${this.held ? this.renderHeld(this.held) : nothing}
      <p part="message" class="banner" role="status">${this.message}</p>
      <section part="history" class="panel" aria-labelledby="history-heading">
        <h3 id="history-heading">${this.msg('privacyConsole.historyHeading')}</h3>
        ${history}
      </section>`;
  }
}
