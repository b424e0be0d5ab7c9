import { css } from 'lit';

/** Maps the customer list's tokens onto the shared record-list layout. */
export const customerListStyles = css`
  :host {
    --_columns: var(--crm-customer-list-columns, 2.75rem minmax(0, 2fr) minmax(0, 1.2fr) minmax(0, 1.2fr) minmax(0, 1fr) 8rem);
    --_columns-narrow: 2.75rem minmax(0, 1fr) 7rem;
    --_height: var(--crm-customer-list-height, 28rem);
    --_row-hover: var(--crm-customer-list-row-hover);
    --_selected: var(--crm-customer-list-selected);
  }
`;
