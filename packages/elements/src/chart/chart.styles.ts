import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const chartStyles = css`
  [part='header'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: ${sys('spacing-xs')};
    margin-block-end: ${sys('spacing-xs')};
  }
  .label {
    font-weight: 600;
  }
  [part='canvas-box'] {
    position: relative;
    block-size: var(--crm-chart-height, 16rem);
    min-inline-size: 0;
  }
  [part='canvas-box'][hidden] {
    display: none;
  }
  [part='empty'],
  .muted {
    margin: 0;
    color: ${sys('color-on-surface-variant')};
  }
  .table-box {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    inline-size: 100%;
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
    text-align: end;
  }
  th[scope='row'],
  thead th:first-child {
    text-align: start;
  }
`;
