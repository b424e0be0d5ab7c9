import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const privacyConsoleStyles = css`
  :host {
    display: grid;
    gap: ${sys('spacing-m')};
    --_panel: var(--crm-privacy-console-background, ${sys('color-surface-container')});
  }
  .panel {
    background: var(--_panel);
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    padding: ${sys('spacing-m')};
    display: grid;
    gap: ${sys('spacing-s')};
    min-inline-size: 0;
  }
  h3,
  h4 {
    margin: 0;
    font-size: 1rem;
  }
  p {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .fields {
    display: grid;
    gap: ${sys('spacing-s')};
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr));
  }
  .erase {
    display: grid;
    gap: ${sys('spacing-s')};
    border-block-start: 1px solid ${sys('color-outline')};
    padding-block-start: ${sys('spacing-s')};
  }
  button {
    justify-self: start;
    min-block-size: 44px;
  }
  table {
    border-collapse: collapse;
    inline-size: 100%;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding-block-end: ${sys('spacing-xs')};
  }
  th,
  td {
    text-align: start;
    padding: ${sys('spacing-xs')};
    border-block-end: 1px solid ${sys('color-outline')};
    overflow-wrap: anywhere;
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
`;
