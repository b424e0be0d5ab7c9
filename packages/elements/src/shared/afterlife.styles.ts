import { css } from 'lit';

/** The table, badge, form and phone-layout rules shared by the lead-request board, project list and lost-review admin. */
export const afterlifeStyles = css`
  :host {
    display: block;
    font-family: var(--crm-sys-font, system-ui, sans-serif);
    color: var(--crm-sys-color-on-surface, #1b1b1f);
  }
  .scroll {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding-block: 0.25rem;
  }
  th,
  td {
    text-align: start;
    padding: 0.4rem 0.5rem;
    border-bottom: 1px solid var(--crm-sys-color-outline-variant, #c4c6d0);
    vertical-align: top;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
  }
  .badge {
    display: inline-block;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    font-size: 0.85em;
    background: var(--crm-afterlife-accent, var(--crm-sys-color-surface-container, #f3f4f8));
    color: var(--crm-sys-color-on-surface, #1b1c21);
    border: 1px solid var(--crm-sys-color-outline-variant, #c4c6d0);
  }
  form,
  .detail {
    margin-block: 1rem;
    padding: 0.75rem;
    border: 1px solid var(--crm-sys-color-outline-variant, #c4c6d0);
    border-radius: var(--crm-sys-radius, 8px);
  }
  form.inline {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: end;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
    gap: 0.5rem 1rem;
  }
  .grid label {
    display: flex;
    flex-direction: column;
    align-items: stretch;
  }
  fieldset {
    border: 0;
    padding: 0;
    margin: 0.5rem 0;
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
  }
  legend {
    font-weight: 600;
    margin-bottom: 0.25rem;
  }
  input:not([type='checkbox']),
  select,
  textarea {
    min-height: 44px;
    box-sizing: border-box;
    max-width: 100%;
  }
  label {
    min-height: 44px;
    display: inline-flex;
    gap: 0.3rem;
    align-items: center;
  }
  .field-error {
    color: var(--crm-sys-color-error, #ba1a1a);
  }
  h3:focus {
    outline: 2px solid var(--crm-sys-color-primary, #3f5f90);
  }
  @media (max-width: 600px) {
    thead {
      display: none;
    }
    tr,
    td,
    th {
      display: block;
    }
  }
`;
