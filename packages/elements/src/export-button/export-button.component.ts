import { html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CrmExportDownloadedEvent } from '../events/export-events.js';
import { readProblem } from '../shared/api/errors.js';
import { exportRecords, type ExportKind } from '../shared/api/exports.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmDataElement } from '../shared/data-element.js';
import { exportButtonStyles } from './export-button.styles.js';

const formats = ['xlsx', 'csv'] as const;

/**
 * Downloads the signed-in user's export of leads or contacts as an Excel workbook or CSV. Which records
 * and which columns it holds is the role's export profile, decided by the API (002: a sales executive
 * gets Name, Last Name, Job title and Company of the team's records while the product is active); a
 * role without export sees the API's refusal.
 *
 * @summary Export leads or contacts as XLSX or CSV, with the role's columns.
 *
 * @event crm-export-downloaded - The file was made and handed to the browser; `detail: { kind, format, size }`.
 *
 * @csspart button - The export button.
 *
 * @cssproperty --crm-export-button-error-color - Colour of the refusal message. Defaults to `--crm-sys-color-error`.
 */
export class CrmExportButton extends CrmDataElement {
  static override styles = [controlStyles, exportButtonStyles];

  /** What is exported: `leads` or `contacts`. */
  @property({ reflect: true }) kind: ExportKind = 'leads';

  @state() private format: (typeof formats)[number] = 'xlsx';
  @state() private busy = false;
  @state() private error = '';
  @state() private announcement = '';

  private async download(event: Event): Promise<void> {
    event.preventDefault();
    if (this.busy) return;
    this.busy = true;
    this.error = '';
    this.announcement = this.msg('exportButton.preparing');
    try {
      const blob = await exportRecords(this.api, this.kind, this.format);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = `${this.kind}.${this.format}`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      this.announcement = this.msg('exportButton.done');
      this.emit(new CrmExportDownloadedEvent({ kind: this.kind, format: this.format, size: blob.size }));
    } catch (error) {
      this.error = readProblem(error).detail;
      this.announcement = this.error;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const kind = this.msg(`exportButton.kind.${this.kind}`);
    return html`
      <form @submit=${this.download}>
        <label>${this.msg('exportButton.format')}
          <select @change=${(e: Event) => (this.format = (e.target as HTMLSelectElement).value as never)}>
            ${formats.map((f) => html`<option value=${f} ?selected=${this.format === f}>${this.msg(`exportButton.format.${f}`)}</option>`)}
          </select>
        </label>
        <button type="submit" part="button" class="primary" ?disabled=${this.busy}>${this.msg('exportButton.export', { kind })}</button>
      </form>
      ${this.error ? html`<p class="error">${this.error}</p>` : nothing}
      <p class="sr-only" role="status">${this.announcement}</p>
    `;
  }
}
