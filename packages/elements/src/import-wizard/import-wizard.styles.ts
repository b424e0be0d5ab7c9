import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const importWizardStyles = css`
  :host {
    display: block;
  }
  h2 {
    margin: 0 0 ${sys('spacing-s')};
    font-size: 1.2em;
  }
  .table-scroll {
    overflow-x: auto;
    max-inline-size: 100%;
  }
  table {
    border-collapse: collapse;
    inline-size: 100%;
  }
  th,
  td {
    text-align: start;
    padding: ${sys('spacing-xs')} ${sys('spacing-s')};
    border-block-end: 1px solid var(--crm-import-wizard-rule, ${sys('color-outline')});
    vertical-align: middle;
  }
  td.sample {
    max-inline-size: 14em;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .options,
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')} ${sys('spacing-m')};
    margin-block: ${sys('spacing-m')};
    align-items: end;
  }
  label {
    display: grid;
    gap: ${sys('spacing-xs')};
    /* A long option (a locale and its example) wraps the select to the width there is, not the page wider. */
    grid-template-columns: minmax(0, 1fr);
    max-inline-size: 100%;
  }
  fieldset {
    min-inline-size: 0;
    margin-block: ${sys('spacing-m')};
    border: 1px solid var(--crm-import-wizard-rule, ${sys('color-outline')});
    border-radius: ${sys('radius')};
  }
  ul {
    margin: 0 0 ${sys('spacing-s')};
    padding-inline-start: 1.2em;
  }
  [part='progress'] {
    inline-size: 100%;
  }
  select,
  button,
  input[type='text'],
  input[type='file'] {
    min-block-size: ${sys('target-size')};
    max-inline-size: 100%;
  }
  /* A phone shows the column and its field; the sample row is for wider screens. */
  @media (max-width: 599px) {
    .sample {
      display: none;
    }
  }
`;
