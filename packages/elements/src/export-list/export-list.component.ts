import { html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmExportDownloadedEvent } from '../events/export-events.js';
import { readProblem } from '../shared/api/errors.js';
import { exportClient, isNewer, saveFile, watchExports, type Export } from '../shared/api/exports.js';
import { afterlifeStyles } from '../shared/afterlife.styles.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime } from '../shared/format.js';
import { CrmState } from '../state/state.component.js';
import { exportListStyles } from './export-list.styles.js';

/**
 * The signed-in user's background exports, newest first (`crm.exports.list`): what each holds, its
 * format, status, rows, when it was asked for and until when its file lasts, with a Download button for
 * the finished ones. Rows change live with the realtime message `export.progress`; an export started
 * elsewhere (a `<crm-export-button>`) appears at the top.
 *
 * @summary The user's exports with status, rows, expiry and downloads; live.
 *
 * @event crm-export-downloaded - A finished export's file was handed to the browser; `detail: { kind, format, size }`.
 *
 * @csspart table - The table of exports.
 * @csspart status - An export's status badge.
 * @csspart download - A finished export's Download button.
 *
 * @cssproperty --crm-export-list-accent - Background of status badges.
 * @cssproperty --crm-export-list-highlight - Background of the highlighted export's row. Defaults to `--crm-sys-color-surface-container`.
 */
export class CrmExportList extends CrmDataElement {
  static override styles = [controlStyles, afterlifeStyles, exportListStyles];
  static override dependencies = { 'crm-state': CrmState };

  /** How many of the newest exports are listed (1–200). */
  @property({ type: Number }) limit = 50;

  /** The id of an export to highlight (a notification's link, `/exports/<id>`); none by default. */
  @property({ attribute: 'export-id' }) exportId = '';

  @state() private exports: Export[] = [];
  @state() private loaded = false;
  @state() private loadError = '';
  @state() private error = '';
  @state() private announcement = '';
  private stopWatching: (() => void) | undefined;

  protected override updated(changed: PropertyValues): void {
    if (changed.has('client') && !this.client) {
      // Signed out: the last user's exports and messages are not the next one's.
      this.stopWatching?.();
      this.stopWatching = undefined;
      this.exports = [];
      this.loaded = false;
    }
    if ((changed.has('client') || changed.has('limit')) && this.client) {
      this.watch();
      void this.load();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated && this.client) this.watch();
  }

  /** Reads the exports again. */
  async load(): Promise<void> {
    try {
      this.loadError = '';
      this.exports = (await exportClient(this.client).exports.list({ limit: this.limit })).data;
      this.loaded = true;
    } catch (error) {
      this.loadError = readProblem(error).detail;
    }
  }

  /** Live rows: each `export.progress` replaces its row, or puts a new export at the top; a reconnect reads them all again. */
  private watch(): void {
    this.stopWatching?.();
    this.stopWatching = watchExports(exportClient(this.client), (job) => this.take(job), () => this.loaded && void this.load());
  }

  private take(job: Export): void {
    const at = this.exports.findIndex((e) => e.id === job.id);
    if (at >= 0 && !isNewer(job, this.exports[at])) return;
    const before = this.exports[at];
    this.exports = at >= 0 ? this.exports.map((e, i) => (i === at ? job : e)) : [job, ...this.exports].slice(0, this.limit);
    if (before?.status === job.status) return;
    const kind = this.msg(`exportButton.kind.${job.kind}`);
    if (job.status === 'completed') this.announcement = this.msg('exportList.ready', { kind });
    if (job.status === 'failed') this.announcement = this.msg('exportList.failed', { kind, reason: job.failure ?? '' });
  }

  private async download(job: Export): Promise<void> {
    this.error = '';
    try {
      const blob = await exportClient(this.client).exports.download(job.id);
      saveFile(blob, job.fileName);
      this.announcement = this.msg('exportButton.done');
      this.emit(new CrmExportDownloadedEvent({ kind: job.kind, format: job.format, size: blob.size }));
    } catch (error) {
      const problem = readProblem(error);
      if (problem.status === 409) this.take({ ...job, status: 'expired', downloadPath: null });
      this.error = problem.status === 409 ? this.msg('exportButton.expired') : problem.detail;
      this.announcement = this.error;
    }
  }

  private renderRow(job: Export) {
    const when = (iso: string | null) => formatDateTime(iso, this.activeLocale, this.activeTimeZone);
    const created = when(job.createdAt);
    const kind = this.msg(`exportList.kind.${job.kind}`);
    const label = (column: 'format' | 'status' | 'rows' | 'created' | 'expires' | 'file') => this.msg(`exportList.${column}`);
    return html`<tr data-export=${job.id} ?data-highlighted=${job.id === this.exportId} aria-current=${job.id === this.exportId ? 'true' : 'false'}>
      <th scope="row">${kind}</th>
      <td data-label=${label('format')}>${this.msg(`exportButton.format.${job.format}`)}</td>
      <td data-label=${label('status')}>
        <span part="status" class="badge" data-status=${job.status}>${this.msg(`exportList.status.${job.status}`)}</span>
        ${job.status === 'failed' && job.failure ? html`<div class="failure">${job.failure}</div>` : ''}
      </td>
      <td data-label=${label('rows')} class="number">${new Intl.NumberFormat(this.activeLocale).format(job.rows)}</td>
      <td data-label=${label('created')}>${created}</td>
      <td data-label=${label('expires')}>${job.status === 'completed' ? when(job.expiresAt) : '–'}</td>
      <td>${job.status === 'completed'
        ? html`<button type="button" part="download" aria-label=${this.msg('exportList.downloadLabel', { kind: this.msg(`exportButton.kind.${job.kind}`), date: created })} @click=${() => this.download(job)}>${this.msg('exportList.download')}</button>`
        : ''}</td>
    </tr>`;
  }

  override render() {
    const live = html`<p class="sr-only" role="status">${this.announcement}</p>`;
    if (this.loadError) return html`<crm-state kind="error" message=${this.loadError} @crm-retry-requested=${() => this.load()}></crm-state>`;
    if (!this.loaded) return html`<crm-state kind="loading"></crm-state>`;
    if (!this.exports.length) return html`<crm-state kind="empty" message=${this.msg('exportList.empty')}></crm-state>${live}`;
    const head = (['kind', 'format', 'status', 'rows', 'created', 'expires', 'file'] as const).map((c) => html`<th scope="col">${this.msg(`exportList.${c}`)}</th>`);
    return html`<div class="scroll"><table part="table">
        <caption>${this.plural('exportList.caption', this.exports.length)}</caption>
        <thead><tr>${head}</tr></thead>
        <tbody>${this.exports.map((job) => this.renderRow(job))}</tbody>
      </table></div>
      ${this.error ? html`<p class="error">${this.error}</p>` : ''}
      ${live}`;
  }
}
