import { css } from 'lit';

export const webhookAdminStyles = css`
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
  th,
  td {
    text-align: start;
    padding: 0.4rem 0.5rem;
    border-bottom: 1px solid var(--crm-sys-color-outline-variant, #c4c6d0);
    vertical-align: top;
  }
  .url {
    word-break: break-all;
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
    background: var(--crm-sys-color-surface-variant, #e1e2ec);
  }
  .badge.failed,
  .badge.disabled {
    background: var(--crm-webhook-admin-failed, var(--crm-sys-color-error-container, #ffdad6));
    color: var(--crm-sys-color-on-error-container, #410002);
  }
  .badge.succeeded,
  .badge.active {
    background: var(--crm-webhook-admin-ok, var(--crm-sys-color-tertiary-container, #c8f0d0));
    color: var(--crm-sys-color-on-tertiary-container, #002110);
  }
  form,
  .secret,
  .log {
    margin-block: 1rem;
    padding: 0.75rem;
    border: 1px solid var(--crm-sys-color-outline-variant, #c4c6d0);
    border-radius: var(--crm-sys-radius, 8px);
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
  input:not([type='checkbox']) {
    min-height: 44px;
    box-sizing: border-box;
  }
  label {
    min-height: 44px;
    display: inline-flex;
    gap: 0.3rem;
    align-items: center;
  }
  label.block {
    display: flex;
    flex-direction: column;
    align-items: stretch;
    margin-block: 0.5rem;
  }
  code {
    word-break: break-all;
    font-size: 0.95em;
  }
  .field-error {
    color: var(--crm-sys-color-error, #ba1a1a);
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
    td::before,
    th[scope='row']::before {
      content: attr(data-label) ': ';
      font-weight: 600;
    }
  }
`;
