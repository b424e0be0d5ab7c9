// The wizard's last two steps, drawn from its state: what the check found (the dry run) and the run as it
// goes (progress, counts, the daily limit, the error file, resume and undo). The wizard keeps the state
// and the actions; these render functions only draw them.
import { html, nothing } from 'lit';
import type { CrmMessageParams, CrmPluralKey } from '../i18n/msg.js';
import type { CrmStringKey } from '../i18n/strings.en.js';
import type { Import, ImportDryRun } from '../shared/api/imports.js';
import { formatDateTime, formatList, formatNumber } from '../shared/format.js';
import { renderAssignSplit } from './import-wizard.rules.js';

/** What both steps need of the wizard: its strings, locale and time zone, and whether an action is under way. */
export interface OutcomeView {
  msg: (key: CrmStringKey, params?: CrmMessageParams) => string;
  plural: (base: CrmPluralKey, count: number, params?: CrmMessageParams) => string;
  locale: string;
  timeZone: string | undefined;
  busy: boolean;
}

/** The dry run's counts, the team's split, unknown status values and errors by field; back to the mapping, or start. */
export function renderSummary(view: OutcomeView & { onBack(): void; onStart(): void }, summary: ImportDryRun) {
  const { msg, plural, locale, busy } = view;
  const n = (count: number) => formatNumber(count, locale);
  return html`<section part="summary">
    <h3>${msg('importWizard.summary')}</h3>
    <ul>
      <li>${plural('importWizard.wouldCreate', summary.created, { count: n(summary.created) })}</li>
      <li>${plural('importWizard.wouldUpdate', summary.updated, { count: n(summary.updated) })}</li>
      <li>${plural('importWizard.wouldSkip', summary.skipped, { count: n(summary.skipped) })}</li>
      <li>${plural('importWizard.wouldFail', summary.failed, { count: n(summary.failed) })}</li>
    </ul>
    ${renderAssignSplit(msg, summary, n, (items) => formatList(items, locale))}
    ${summary.statusValues.length ? html`<p part="status-values">${msg('importWizard.statusUnmapped', { values: formatList(summary.statusValues, locale) })}</p>` : nothing}
    ${summary.errors.length
      ? html`<ul class="errors">
          ${summary.errors.map((e) => html`<li>${msg('importWizard.errorRows', { field: e.field, column: e.column ?? '—', count: n(e.count), rows: formatList(e.rows.map(String), locale) })}</li>`)}
        </ul>`
      : nothing}
    <div class="actions">
      <button type="button" ?disabled=${busy} @click=${view.onBack}>${msg('importWizard.back')}</button>
      <button type="button" class="primary" ?disabled=${busy || summary.created + summary.updated === 0} @click=${view.onStart}>${msg('importWizard.start')}</button>
    </div>
  </section>`;
}

/** The run: its status (or the daily limit and when it may go on), progress against the rows the check read, its counts, and once it ended what can be done. */
export function renderRun(view: OutcomeView & { planned: number; undone: string; onErrors(): void; onResume(): void; onUndo(): void; onAnother(): void }, job: Import) {
  const { msg, plural, locale, busy, planned } = view;
  const p = job.progress;
  const n = (count: number) => formatNumber(count, locale);
  const finished = !['queued', 'running'].includes(job.status);
  return html`
    ${job.stopReason === 'daily_row_cap'
      ? html`<p class="status">${msg('importWizard.dailyLimit')}</p>
          <p part="limit">${msg('importWizard.dailyLimitNext', { time: formatDateTime(job.resumesAt, locale, view.timeZone) })}</p>`
      : html`<p class="status">${msg(`importWizard.status.${job.status}`)}${job.failure ? html` — ${job.failure}` : nothing}</p>`}
    <progress part="progress" max=${planned || 1} value=${finished ? planned || 1 : p.read} aria-label=${msg(`importWizard.status.${job.status}`)}></progress>
    <ul part="counts">
      <li>${plural('importWizard.read', p.read, { count: n(p.read) })}</li>
      <li>${plural('importWizard.created', p.created, { count: n(p.created) })}</li>
      <li>${plural('importWizard.updated', p.updated, { count: n(p.updated) })}</li>
      <li>${plural('importWizard.skipped', p.skipped, { count: n(p.skipped) })}</li>
      <li>${plural('importWizard.failed', p.failed, { count: n(p.failed) })}</li>
      ${p.rowsPerSecond ? html`<li>${msg('importWizard.rate', { rate: n(p.rowsPerSecond) })}</li>` : nothing}
    </ul>
    ${view.undone ? html`<p>${view.undone}</p>` : nothing}
    ${finished
      ? html`<div class="actions">
          ${p.failed + p.skipped > 0 ? html`<button type="button" @click=${view.onErrors}>${msg('importWizard.errorFile')}</button>` : nothing}
          ${['failed', 'cancelled'].includes(job.status) ? html`<button type="button" ?disabled=${busy} @click=${view.onResume}>${msg('importWizard.resume')}</button>` : nothing}
          ${job.status !== 'undone' ? html`<button type="button" ?disabled=${busy} @click=${view.onUndo}>${msg('importWizard.undo')}</button>` : nothing}
          <button type="button" @click=${view.onAnother}>${msg('importWizard.another')}</button>
        </div>`
      : nothing}
  `;
}
