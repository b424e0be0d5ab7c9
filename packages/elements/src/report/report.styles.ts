import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const reportStyles = css`
  :host {
    display: block;
    container-type: inline-size;
    --_gap: var(--crm-report-gap, ${sys('spacing-m')});
  }
  .panel {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
    align-items: end;
    gap: ${sys('spacing-s')};
    margin-block-end: var(--_gap);
    padding: ${sys('spacing-m')};
    background: var(--crm-report-panel-background, ${sys('color-surface-container')});
    border-radius: ${sys('radius')};
  }
  .panel h3 {
    grid-column: 1 / -1;
    margin: 0;
    font-size: 1em;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
    min-inline-size: 0;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
    align-items: center;
  }
  .result {
    display: grid;
    gap: var(--_gap);
    margin-block-end: var(--_gap);
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    inline-size: 100%;
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  caption {
    text-align: start;
    font-weight: 600;
    padding-block-end: ${sys('spacing-xs')};
  }
  th,
  td {
    padding: ${sys('spacing-xs')} ${sys('spacing-s')};
    border-block-end: 1px solid ${sys('color-outline')};
    text-align: start;
  }
  td.number,
  th.number {
    text-align: end;
  }
  .muted {
    margin: 0;
    color: ${sys('color-on-surface-variant')};
  }
  .error {
    margin: 0;
    color: ${sys('color-error')};
  }
  @container (max-width: 36rem) {
    .panel {
      grid-template-columns: 1fr;
    }
  }
`;
