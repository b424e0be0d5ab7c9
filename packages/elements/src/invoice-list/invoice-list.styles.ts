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
  .uncertain {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${sys('spacing-s')};
    padding: ${sys('spacing-s')};
    margin-block: ${sys('spacing-s')};
    border: 1px solid ${sys('color-outline')};
    border-inline-start: 4px solid var(--_overdue);
  }
  .uncertain p {
    margin: 0;
    flex: 1 1 16rem;
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
  dialog fieldset {
    display: grid;
    gap: ${sys('spacing-xs')};
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
  }
  dialog.wide {
    max-inline-size: min(46rem, calc(100vw - 2rem));
  }
  /* Credit by line: each invoice line a row that wraps into a stack of its parts on a narrow screen. */
  .credit-lines ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: ${sys('spacing-s')};
  }
  .credit-lines li {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: ${sys('spacing-xs')} ${sys('spacing-m')};
    padding-block-end: ${sys('spacing-s')};
    border-block-end: 1px solid ${sys('color-outline')};
  }
  .credit-lines .line-description {
    flex: 1 1 100%;
    font-weight: 600;
  }
  .credit-lines dl {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-xs')} ${sys('spacing-m')};
    margin: 0;
    flex: 1 1 16rem;
  }
  .credit-lines dt {
    font-size: 0.875em;
    color: ${sys('color-on-surface-variant')};
  }
  .credit-lines dd {
    margin: 0;
  }
  .credit-lines .line-quantity {
    flex: 1 1 12rem;
  }
  .credit-lines .line-quantity input {
    min-inline-size: 0;
    inline-size: 100%;
    box-sizing: border-box;
  }
  .credit-lines .line-left {
    color: ${sys('color-on-surface-variant')};
  }
  .credit-lines .amount {
    margin-inline-start: auto;
    font-variant-numeric: tabular-nums;
  }
  .credit-lines .field-error {
    flex: 1 1 100%;
  }
  .credit-total {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: ${sys('spacing-xs')} ${sys('spacing-m')};
    margin: 0;
  }
  dialog textarea {
    font: inherit;
    min-block-size: 44px;
  }
  button.danger {
    background: ${sys('color-error')};
    color: ${sys('color-on-error')};
    border-color: ${sys('color-error')};
  }
  tr.below td {
    padding-block-start: 0;
  }
  .void-reason {
    margin: 0;
    color: ${sys('color-on-surface-variant')};
  }
  .notes {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: ${sys('spacing-xs')};
  }
  .notes li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${sys('spacing-s')};
    padding-inline-start: ${sys('spacing-m')};
    border-inline-start: 2px solid ${sys('color-outline')};
  }
  .note-number {
    font-weight: 600;
  }
  .note-reason {
    flex: 1 1 10rem;
    color: ${sys('color-on-surface-variant')};
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
