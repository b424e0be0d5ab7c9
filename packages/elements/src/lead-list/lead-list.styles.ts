import { css } from 'lit';

/** Maps the lead list's tokens onto the shared record-list layout. */
export const leadListStyles = css`
  :host {
    --_columns: var(--crm-lead-list-columns, 2.75rem minmax(0, 2fr) minmax(0, 2fr) minmax(0, 1.2fr) minmax(0, 1fr) 8rem);
    --_columns-narrow: 2.75rem minmax(0, 1fr) 7rem;
    --_height: var(--crm-lead-list-height, 28rem);
    --_row-hover: var(--crm-lead-list-row-hover);
    --_selected: var(--crm-lead-list-selected);
  }
`;
