import { html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { CrmLeadSelectedEvent } from '../events/record-events.js';
import type { Lead, RecordQuery } from '../shared/api/record-lists.js';
import { controlStyles } from '../shared/controls.styles.js';
import { formatDate } from '../shared/format.js';
import { CrmRecordList, type CrmListColumn } from '../shared/record-list.js';
import { recordListStyles } from '../shared/record-list.styles.js';
import { leadListStyles } from './lead-list.styles.js';

const qualities = ['good', 'bad', 'unknown'] as const;

/**
 * The leads the signed-in person may see, searchable and filterable by status, quality, owner and
 * product, in pages loaded as the person scrolls; only the rows in view are in the DOM. Rows can be
 * selected for bulk actions (Space, or the checkbox column) and opened (Enter, or a click).
 *
 * Keyboard: Tab into the list, Up/Down/Home/End/PageUp/PageDown to move, Space to select, Enter to open.
 * Below 40rem of width only the name and the status are shown.
 *
 * @summary A virtualized lead list with search, status / quality / owner / product filters, sort and selection.
 *
 * @slot bulk-actions - Buttons that act on the selection (shown while rows are selected); read `selectedIds`.
 * @slot empty - Replaces the empty state, e.g. with an "Add lead" button.
 *
 * @event crm-lead-selected - The person opened a lead (Enter or click); `detail.lead` is the row.
 * @event crm-selection-changed - The person changed the selection; `detail.ids` is the whole selection.
 *
 * @csspart toolbar - The search and filter row.
 * @csspart bulk-bar - The bar shown while rows are selected.
 * @csspart grid - The list itself.
 * @csspart header - The column header row.
 * @csspart row - One lead row.
 * @csspart cell - One cell of a row.
 * @csspart status - The status badge in a row.
 *
 * @cssproperty --crm-lead-list-height - Height of the scrolling area. Defaults to `28rem`.
 * @cssproperty --crm-lead-list-row-hover - Background of a hovered row. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-lead-list-selected - Background of a selected row. Defaults to a tint of `--crm-sys-color-primary`.
 * @cssproperty --crm-lead-list-columns - The grid's column template when wider than 40rem (six columns).
 */
export class CrmLeadList extends CrmRecordList<Lead> {
  static override styles = [controlStyles, recordListStyles, leadListStyles];

  /** Only leads of this quality (`good`, `bad`, `unknown`). */
  @property({ reflect: true }) quality = '';

  protected readonly kind = 'lead';
  protected readonly sorts = ['lastName', 'firstName', 'companyName', '-createdAt', '-updatedAt', 'status'] as const;
  protected override readonly extraQueryKeys = ['quality'];

  protected override extraQuery(): RecordQuery {
    return { quality: this.quality };
  }

  protected override renderExtraFilters(): TemplateResult {
    return html`<crm-select-field name="quality" label=${this.msg('leadList.quality')} placeholder=${this.msg('leadList.anyQuality')} .value=${this.quality}
      .options=${qualities.map((q) => ({ value: q, label: this.msg(`leadQuality.${q}`) }))}></crm-select-field>`;
  }

  protected opened(lead: Lead): void {
    this.emit(new CrmLeadSelectedEvent({ lead }));
  }

  protected columns(): Array<CrmListColumn<Lead>> {
    const email = (lead: Lead) => lead.emails.find((e) => e.primary)?.value ?? lead.emails[0]?.value ?? '';
    return [
      {
        label: this.msg('leadList.name'),
        className: 'name',
        cell: (lead) => html`<span class="primary">${lead.fullName}</span>${lead.kind === 'individual' && lead.companyName ? html`<span class="sub">${lead.companyName}</span>` : ''}`,
      },
      { label: this.msg('leadList.email'), wide: true, cell: email },
      { label: this.msg('leadList.owner'), wide: true, cell: (lead) => this.ownerName(lead) },
      { label: this.msg('leadList.created'), wide: true, cell: (lead) => formatDate(lead.createdAt, this.activeLocale, this.activeTimeZone) },
      { label: this.msg('leadList.status'), cell: (lead) => this.statusBadge(lead) },
    ];
  }
}
