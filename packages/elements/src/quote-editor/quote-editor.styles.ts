import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const quoteEditorStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    --_accent: var(--crm-quote-editor-accent, ${sys('color-primary')});
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
  }
  th,
  td {
    padding: ${sys('spacing-s')};
    text-align: start;
    vertical-align: top;
  }
  input,
  select,
  button {
    box-sizing: border-box;
    min-block-size: 44px;
    min-inline-size: 44px;
    font: inherit;
  }
  td input {
    inline-size: 6rem;
  }
  td select {
    max-inline-size: 100%;
  }
  /* Narrow hosts (a phone): each line is a small grid of its fields, the header only for screen readers. */
  @container (max-width: 40rem) {
    table,
    caption,
    tbody,
    tr,
    td {
      display: block;
    }
    thead {
      position: absolute;
      inline-size: 1px;
      block-size: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    tr {
      display: grid;
      grid-template-columns: repeat(3, minmax(0, 1fr));
      gap: ${sys('spacing-s')};
      border-block-end: 1px solid ${sys('color-outline')};
    }
    td:first-child {
      grid-column: 1 / -1;
    }
    td input,
    td select {
      inline-size: 100%;
    }
  }
  .amount,
  dd {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  dl {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: ${sys('spacing-s')};
    max-inline-size: 24rem;
    margin-inline-start: auto;
  }
  .total {
    font-weight: 700;
    color: var(--_accent);
  }
  .field-error {
    display: block;
    color: ${sys('color-error')};
  }
  .visually-hidden {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
  fieldset {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-m')};
    align-items: end;
    margin-block: ${sys('spacing-m')};
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    min-inline-size: 0;
  }
  .actions,
  form {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-m')};
    align-items: end;
    margin-block: ${sys('spacing-m')};
  }
`;
