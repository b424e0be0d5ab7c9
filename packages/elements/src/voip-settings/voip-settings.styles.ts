import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const voipSettingsStyles = css`
  :host {
    display: grid;
    gap: ${sys('spacing-m')};
    --_panel: var(--crm-voip-settings-background, ${sys('color-surface-container')});
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
  h3 {
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
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
    align-items: end;
  }
  .table-wrap {
    overflow-x: auto;
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
    vertical-align: top;
  }
  .ok {
    color: ${sys('color-primary')};
  }
  .failed {
    color: ${sys('color-error')};
  }
  .muted {
    color: ${sys('color-on-surface-variant')};
  }
`;

export const voipUrlStyles = css`
  dl {
    display: grid;
    gap: ${sys('spacing-xs')};
    margin: 0;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
  }
  code {
    display: block;
    overflow-wrap: anywhere;
    font-size: 0.85rem;
  }
`;
