import { css } from 'lit';

/** Maps the campaign list's tokens onto the shared record-list layout. */
export const campaignListStyles = css`
  :host {
    --_columns: var(--crm-campaign-list-columns, 2.75rem minmax(0, 2fr) minmax(0, 1fr) minmax(0, 1.6fr) minmax(0, 0.8fr) minmax(0, 0.8fr) minmax(0, 1fr) 7rem);
    --_columns-narrow: 2.75rem minmax(0, 1fr) 4.5rem 6.5rem;
    --_height: var(--crm-campaign-list-height, 28rem);
    --_row-hover: var(--crm-campaign-list-row-hover);
    --_selected: var(--crm-campaign-list-selected);
  }
  .gain {
    color: var(--crm-campaign-list-gain-color, inherit);
  }
  .loss {
    color: var(--crm-campaign-list-loss-color, var(--crm-sys-color-error));
  }
`;
