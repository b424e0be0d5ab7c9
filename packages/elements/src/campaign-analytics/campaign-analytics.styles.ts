import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const campaignAnalyticsStyles = css`
  :host {
    display: block;
  }
  [part='header'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: ${sys('spacing-s')};
  }
  h2 {
    margin: 0;
    font-size: 1.25em;
    overflow-wrap: anywhere;
  }
  h3 {
    margin: ${sys('spacing-m')} 0 ${sys('spacing-s')};
    font-size: 1.05em;
  }
  [part='figures'] {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
    gap: ${sys('spacing-s')};
    margin: 0;
  }
  [part='figure'] {
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    background: var(--crm-campaign-analytics-figure-background, ${sys('color-surface-container')});
  }
  dt {
    color: ${sys('color-on-surface-variant')};
    font-size: 0.9em;
  }
  dd {
    margin: 0;
    display: flex;
    flex-direction: column;
  }
  .value {
    font-size: 1.4em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    color: var(--crm-campaign-analytics-value-color, ${sys('color-on-surface')});
  }
  .rate {
    font-size: 0.85em;
    color: ${sys('color-on-surface-variant')};
  }
  .scroll {
    overflow-x: auto;
    max-inline-size: 100%;
  }
  table {
    inline-size: 100%;
    border-collapse: collapse;
    table-layout: fixed;
  }
  col.count {
    inline-size: 22%;
  }
  th {
    overflow-wrap: anywhere;
    hyphens: auto;
  }
  th,
  td {
    padding: ${sys('spacing-xs')} ${sys('spacing-s')};
    border-block-end: 1px solid ${sys('color-outline')};
    text-align: start;
  }
  .num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .url {
    overflow-wrap: anywhere;
    word-break: break-all;
  }
  a {
    color: ${sys('color-primary')};
    display: inline-flex;
    align-items: center;
    min-block-size: ${sys('target-size')};
    min-inline-size: ${sys('target-size')};
  }
`;
