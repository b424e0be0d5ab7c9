import { css } from 'lit';

/** The portal's own layout on top of the widgets' base styles: mobile first, light and dark, themeable. */
export const portalStyles = css`
  :host {
    --_min-height: var(--crm-customer-portal-min-height, 480px);
    --_max-width: var(--crm-customer-portal-max-width, 960px);
  }
  .root {
    padding: 16px;
  }
  @media (prefers-color-scheme: dark) {
    .root {
      color: var(--crm-sys-color-on-surface, #e6edf3);
      background: var(--crm-sys-color-surface, #0d1117);
      border-color: var(--crm-sys-color-outline, #30363d);
    }
    .muted {
      color: var(--crm-sys-color-on-surface-variant, #9da7b3);
    }
    input,
    textarea,
    select {
      background: var(--crm-sys-color-surface, #0d1117);
      color: var(--crm-sys-color-on-surface, #e6edf3);
    }
    button.secondary,
    nav button {
      color: var(--crm-sys-color-on-surface, #e6edf3);
    }
    .alert {
      color: var(--crm-sys-color-error, #ff7b72);
    }
    a {
      color: var(--crm-sys-color-primary, #58a6ff);
    }
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    margin: 0 0 12px;
  }
  h1 {
    font-size: 1.375em;
    font-weight: 600;
    margin: 0;
  }
  h2:focus {
    outline: none;
  }
  nav ul {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
    list-style: none;
    margin: 0 0 16px;
    padding: 0;
  }
  nav button,
  button.secondary {
    background: transparent;
    color: var(--crm-sys-color-primary, #0b5cad);
  }
  nav button[aria-current='page'] {
    background: var(--crm-sys-color-primary, #0b5cad);
    color: var(--crm-sys-color-on-primary, #ffffff);
  }
  form,
  .field {
    display: flex;
    flex-direction: column;
    gap: 4px;
    margin: 0 0 12px;
  }
  label {
    font-weight: 600;
  }
  input,
  textarea,
  select {
    font: inherit;
    padding: 8px;
    min-height: 40px;
    border: 1px solid var(--crm-sys-color-outline, #8c959f);
    border-radius: var(--crm-sys-radius, 8px);
    width: 100%;
  }
  textarea {
    min-height: 96px;
    resize: vertical;
  }
  input[type='checkbox'] {
    width: auto;
    min-height: 0;
  }
  fieldset.rating {
    border: 1px solid var(--crm-sys-color-outline, #8c959f);
    border-radius: var(--crm-sys-radius, 8px);
    margin: 0 0 12px;
    padding: 8px 12px;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 16px;
  }
  fieldset.rating legend {
    font-weight: 600;
    padding: 0 4px;
  }
  fieldset.rating p {
    flex-basis: 100%;
    margin: 0;
  }
  label.star {
    display: flex;
    gap: 6px;
    align-items: center;
    font-weight: 400;
    min-height: 44px;
  }
  label.star input[type='radio'] {
    width: 20px;
    height: 20px;
    min-height: 0;
    margin: 0;
  }
  form[data-close] .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
  }
  .check {
    display: flex;
    gap: 8px;
    align-items: center;
    font-weight: 400;
  }
  ul.list {
    list-style: none;
    margin: 0 0 16px;
    padding: 0;
  }
  ul.list li {
    border-top: 1px solid var(--crm-sys-color-outline, #d0d7de);
    padding: 8px 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 8px;
    align-items: center;
  }
  .link {
    background: none;
    border: none;
    padding: 0;
    min-height: 0;
    color: var(--crm-sys-color-primary, #0b5cad);
    text-decoration: underline;
    text-align: start;
  }
  .message {
    border-inline-start: 3px solid var(--crm-sys-color-outline, #d0d7de);
    padding: 4px 12px;
    margin: 0 0 12px;
    white-space: pre-wrap;
  }
  .message.mine {
    border-color: var(--crm-sys-color-primary, #0b5cad);
  }
  .grid {
    display: grid;
    gap: 16px;
  }
  /* Quotes: a card per quote, its lines in a table that scrolls sideways on a narrow screen. */
  .quote h3 {
    font-size: 1.125em;
    margin: 0 0 4px;
  }
  .quote h3:focus {
    outline: none;
  }
  .badge {
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 0 8px;
    font-size: 0.875em;
  }
  .scroll {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    margin: 8px 0;
  }
  th,
  td {
    text-align: start;
    padding: 4px 8px;
    border-bottom: 1px solid var(--crm-sys-color-outline, #d0d7de);
  }
  .num {
    text-align: end;
    white-space: nowrap;
  }
  summary {
    cursor: pointer;
    min-height: 24px;
  }
  @media (min-width: 720px) {
    .grid {
      grid-template-columns: 1fr 1fr;
    }
    .root {
      padding: 24px;
    }
  }
`;
