import { html } from 'lit';
import { CrmCustomerSelectedEvent } from '../events/record-events.js';
import type { Customer } from '../shared/api/record-lists.js';
import { controlStyles } from '../shared/controls.styles.js';
import { CrmRecordList, type CrmListColumn } from '../shared/record-list.js';
import { recordListStyles } from '../shared/record-list.styles.js';
import { customerListStyles } from './customer-list.styles.js';

/**
 * The customer accounts the signed-in person may see, searchable and filterable by status, owner and
 * product, in pages loaded as the person scrolls; only the rows in view are in the DOM. Rows can be
 * selected for bulk actions (Space, or the checkbox column) and opened (Enter, or a click).
 *
 * Keyboard: Tab into the list, Up/Down/Home/End/PageUp/PageDown to move, Space to select, Enter to open.
 * Below 40rem of width only the name and the status are shown.
 *
 * @summary A virtualized customer list with search, status / owner / product filters, sort and selection.
 *
 * @slot bulk-actions - Buttons that act on the selection (shown while rows are selected); read `selectedIds`.
 * @slot empty - Replaces the empty state, e.g. with an "Add customer" button.
 *
 * @event crm-customer-selected - The person opened a customer (Enter or click); `detail.customer` is the row.
 * @event crm-selection-changed - The person changed the selection; `detail.ids` is the whole selection.
 *
 * @csspart toolbar - The search and filter row.
 * @csspart bulk-bar - The bar shown while rows are selected.
 * @csspart grid - The list itself.
 * @csspart header - The column header row.
 * @csspart row - One customer row.
 * @csspart cell - One cell of a row.
 * @csspart status - The status badge in a row.
 *
 * @cssproperty --crm-customer-list-height - Height of the scrolling area. Defaults to `28rem`.
 * @cssproperty --crm-customer-list-row-hover - Background of a hovered row. Defaults to `--crm-sys-color-surface-container`.
 * @cssproperty --crm-customer-list-selected - Background of a selected row. Defaults to a tint of `--crm-sys-color-primary`.
 * @cssproperty --crm-customer-list-columns - The grid's column template when wider than 40rem (six columns).
 */
export class CrmCustomerList extends CrmRecordList<Customer> {
  static override styles = [controlStyles, recordListStyles, customerListStyles];

  protected readonly kind = 'customer';
  protected readonly sorts = ['name', '-createdAt', '-updatedAt', 'status', '-rating'] as const;

  protected opened(customer: Customer): void {
    this.emit(new CrmCustomerSelectedEvent({ customer }));
  }

  protected columns(): Array<CrmListColumn<Customer>> {
    const place = (c: Customer) => [c.address?.city, c.address?.country].filter(Boolean).join(', ');
    return [
      {
        label: this.msg('customerList.name'),
        className: 'name',
        cell: (c) => html`<span class="primary">${c.name}</span>${c.industry ? html`<span class="sub">${c.industry}</span>` : ''}`,
      },
      { label: this.msg('customerList.category'), wide: true, cell: (c) => c.category ?? '' },
      { label: this.msg('customerList.place'), wide: true, cell: place },
      { label: this.msg('customerList.owner'), wide: true, cell: (c) => this.ownerName(c) },
      { label: this.msg('customerList.status'), cell: (c) => this.statusBadge(c) },
    ];
  }
}
