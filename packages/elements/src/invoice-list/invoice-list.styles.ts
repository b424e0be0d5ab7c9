import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const invoiceListStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    --_overdue: var(--crm-invoice-list-overdue, ${sys('color-error')});
  }
  .scroll {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    inline-size: 100%;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding-block: ${sys('spacing-s')};
  }
  th,
  td {
    padding: ${sys('spacing-s')};
    text-align: start;
    vertical-align: middle;
    border-block-end: 1px solid ${sys('color-outline')};
  }
  .amount {
    text-align: end;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
  }
  tr.overdue td:first-child {
    box-shadow: inset 4px 0 0 var(--_overdue);
  }
  .badge.overdue {
    color: var(--_overdue);
    font-weight: 600;
  }
  .badge.paid {
    color: ${sys('color-on-surface-variant')};
  }
  .late {
    display: block;
    color: var(--_overdue);
    font-size: 0.85em;
  }
  button,
  input,
  select {
    box-sizing: border-box;
    min-block-size: 44px;
    min-inline-size: 44px;
    font: inherit;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
  }
  .open {
    font-weight: 600;
  }
  dialog {
    max-inline-size: min(32rem, calc(100vw - 2rem));
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    background: ${sys('color-surface')};
    color: ${sys('color-on-surface')};
  }
  dialog form {
    display: grid;
    gap: ${sys('spacing-m')};
  }
  dialog label {
    display: grid;
    gap: ${sys('spacing-xs')};
  }
  dialog label.check {
    display: flex;
    align-items: center;
  }
  .field-error {
    display: block;
    color: ${sys('color-error')};
  }
  /* Narrow hosts (a phone): each invoice is a card of label and value pairs. */
  @container (max-width: 40rem) {
    table,
    caption,
    tbody,
    tr,
    td {
      display: block;
    }
    thead {
      display: block;
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    thead tr,
    thead th {
      display: block;
      inline-size: 1px;
      overflow: hidden;
      white-space: nowrap;
    }
    tbody th {
      display: block;
      padding-inline: 0;
    }
    tr {
      padding-block: ${sys('spacing-s')};
      border-block-end: 1px solid ${sys('color-outline')};
    }
    td {
      border: 0;
      padding-block: ${sys('spacing-xs')};
      display: flex;
      justify-content: space-between;
      gap: ${sys('spacing-s')};
    }
    td::before {
      content: attr(data-label);
      font-weight: 600;
    }
    .amount {
      text-align: end;
    }
  }
`;
