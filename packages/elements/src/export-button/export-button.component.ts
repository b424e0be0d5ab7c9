import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmExportDownloadedEvent } from '../events/export-events.js';
import { readProblem } from '../shared/api/errors.js';
import { exportClient, isUnderway, saveFile, type Export, type ExportFormat, type ExportKind } from '../shared/api/exports.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { formatDateTime } from '../shared/format.js';
import { ExportFollower } from './export-button.follow.js';
import { exportButtonStyles } from './export-button.styles.js';

const formats: readonly ExportFormat[] = ['xlsx', 'csv'];
/** The live region tells progress at most this often (start and end are always told). */
const ANNOUNCE_MS = 5000;

/**
 * Exports the signed-in user's records of a kind as an Excel workbook or CSV, in the background: it asks
 * the API for an export (`crm.exports.create`), shows the rows written so far (from the realtime message
 * `export.progress`, polling `crm.exports.get` while none comes), downloads the file when it is ready,
 * and offers it again until it expires. Which records and columns it holds is the role's export profile,
 * decided by the API; a role without export sees the API's refusal, a failed export its reason.
 *
 * @summary Export a kind's records as XLSX or CSV in the background, with live progress.
 *
 * @event crm-export-downloaded - The file was made and handed to the browser; `detail: { kind, format, size }`.
 *
 * @csspart button - The export button.
 * @csspart progress - The line with the rows written so far, while the export runs.
 * @csspart again - The "Download again" button, while the file lasts.
 *
 * @cssproperty --crm-export-button-error-color - Colour of the refusal and failure messages. Defaults to `--crm-sys-color-error`.
 */
export class CrmExportButton extends CrmDataElement {
  static override styles = [controlStyles, exportButtonStyles];

  /** What is exported: `contacts`, `leads`, `customers`, `opportunities`, `tasks`, `activities`, `tickets` or `campaigns`. */
  @property({ reflect: true }) kind: ExportKind = 'leads';

  /** The list's filters the export applies, as query values (`{ status: 'hot' }`); none by default. */
  @property({ attribute: false }) filters: Record<string, string> = {};

  @state() private format: ExportFormat = 'xlsx';
  @state() private job: Export | undefined;
  @state() private busy = false;
  @state() private error = '';
  @state() private announcement = '';
  private announcedAt = 0;
  private expiry: ReturnType<typeof setTimeout> | undefined;
  private readonly follower = new ExportFollower(this, (job) => this.onProgress(job));

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.expiry);
  }

  /** Says `text` in the polite live region; progress only every ANNOUNCE_MS, so a reader is not flooded. */
  private announce(text: string, always = false): void {
    if (!always && performance.now() - this.announcedAt < ANNOUNCE_MS) return;
    this.announcedAt = performance.now();
    this.announcement = text;
  }

  private async start(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy || (this.job && isUnderway(this.job))) return;
    this.busy = true;
    this.error = '';
    this.job = undefined;
    clearTimeout(this.expiry);
    this.announce(this.msg('exportButton.preparing'), true);
    try {
      const client = exportClient(this.client);
      const job = await client.exports.create({ kind: this.kind, format: this.format, filters: this.filters });
      this.job = job;
      this.announce(this.msg('exportButton.started', { kind: this.msg(`exportButton.kind.${job.kind}`) }), true);
      this.follower.follow(client, job);
      if (!isUnderway(job)) await this.onProgress(job);
    } catch (error) {
      this.fail(readProblem(error).detail);
    } finally {
      this.busy = false;
    }
  }

  private async onProgress(job: Export): Promise<void> {
    this.job = job;
    if (job.status === 'running') this.announce(this.plural('exportButton.rows', job.rows));
    else if (job.status === 'failed') this.fail(this.msg('exportButton.failed', { reason: job.failure ?? '' }));
    else if (job.status === 'expired') this.fail(this.msg('exportButton.expired'));
    else if (job.status === 'completed') {
      this.announce(this.plural('exportButton.ready', job.rows), true);
      this.watchExpiry(job);
      await this.download();
    }
  }

  private fail(text: string): void {
    this.error = text;
    this.announce(text, true);
  }

  /** Once the file's time is up, "Download again" gives way to the expiry note (timers past ~24 days are not set). */
  private watchExpiry(job: Export): void {
    const left = job.expiresAt ? Date.parse(job.expiresAt) - Date.now() : Infinity;
    const expire = () => {
      this.job = { ...job, status: 'expired' };
      this.fail(this.msg('exportButton.expired'));
    };
    if (left <= 0) expire();
    else if (left < 2 ** 31) this.expiry = setTimeout(expire, left);
  }

  /** Fetches the finished file and hands it to the browser. */
  private async download(): Promise<void> {
    const job = this.job;
    if (!job || job.status !== 'completed') return;
    this.busy = true;
    this.error = '';
    try {
      const blob = await exportClient(this.client).exports.download(job.id);
      saveFile(blob, job.fileName);
      this.announce(this.msg('exportButton.done'), true);
      this.emit(new CrmExportDownloadedEvent({ kind: job.kind, format: job.format, size: blob.size }));
    } catch (error) {
      const problem = readProblem(error);
      // 409 once the file is gone: the export expired while this page was open.
      if (problem.status === 409) this.job = { ...job, status: 'expired' };
      this.fail(problem.status === 409 ? this.msg('exportButton.expired') : problem.detail);
    } finally {
      this.busy = false;
    }
  }

  private renderJob(job: Export) {
    if (isUnderway(job)) {
      const text = job.status === 'queued' ? this.msg('exportButton.queued') : this.plural('exportButton.rows', job.rows);
      return html`<p part="progress" class="progress">
        <progress aria-label=${this.msg('exportButton.progress')}></progress><span>${text}</span>
      </p>`;
    }
    if (job.status !== 'completed') return nothing;
    return html`<p class="again">
      <button type="button" part="again" ?disabled=${this.busy} @click=${() => this.download()}>${this.msg('exportButton.again')}</button>
      <span>${this.msg('exportButton.until', { date: formatDateTime(job.expiresAt, this.activeLocale, this.activeTimeZone) })}</span>
    </p>`;
  }

  override render() {
    const kind = this.msg(`exportButton.kind.${this.kind}`);
    const running = Boolean(this.job && isUnderway(this.job));
    return html`
      <form @submit=${this.start}>
        <label>${this.msg('exportButton.format')}
          <select ?disabled=${running} @change=${(e: Event) => (this.format = (e.target as HTMLSelectElement).value as ExportFormat)}>
            ${formats.map((f) => html`<option value=${f} ?selected=${this.format === f}>${this.msg(`exportButton.format.${f}`)}</option>`)}
          </select>
        </label>
        <!-- aria-disabled, not disabled: a keyboard user's focus stays on the button while the export runs. -->
        <button type="submit" part="button" class="primary" aria-disabled=${this.busy || running ? 'true' : 'false'}>${this.msg('exportButton.export', { kind })}</button>
      </form>
      ${this.job ? this.renderJob(this.job) : nothing}
      ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
      <p class="sr-only" role="status">${this.announcement}</p>
    `;
  }
}
