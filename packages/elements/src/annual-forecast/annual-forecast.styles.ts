import { css } from 'lit';
import { sys } from '../theme/tokens.js';

/** The year picker, the summary, the table (scrolling on its own on narrow screens) and the editor's inputs. */
export const annualForecastStyles = css`
  :host {
    --_accent: var(--crm-annual-forecast-accent, ${sys('color-primary')});
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
    align-items: end;
    margin-block-end: ${sys('spacing-s')};
  }
  .toolbar label {
    display: grid;
    gap: 0.25rem;
  }
  [part='summary'] {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
    gap: ${sys('spacing-xs')};
    margin: 0 0 ${sys('spacing-s')};
  }
  [part='summary'] div {
    padding: ${sys('spacing-xs')} ${sys('spacing-s')};
    background: ${sys('color-surface-container')};
    border-radius: ${sys('radius')};
  }
  dt {
    font-size: 0.875rem;
    color: ${sys('color-on-surface-variant')};
  }
  dd {
    margin: 0;
    font-weight: 600;
  }
  .scroll {
    overflow-x: auto;
    max-inline-size: 100%;
    margin-block-end: ${sys('spacing-s')};
  }
  table {
    border-collapse: collapse;
    inline-size: 100%;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 0.25rem 0.5rem;
    border-block-end: 1px solid ${sys('color-outline')};
    text-align: end;
    white-space: nowrap;
  }
  th[scope='row'],
  thead th:first-child {
    text-align: start;
  }
  tfoot th,
  tfoot td {
    font-weight: 600;
  }
  td input {
    inline-size: 7.5rem;
    text-align: end;
  }
  .problem {
    display: block;
    color: ${sys('color-error')};
    font-size: 0.8125rem;
    white-space: normal;
    max-inline-size: 9rem;
    margin-inline-start: auto;
  }
  .note {
    color: ${sys('color-on-surface-variant')};
    margin: 0 0 ${sys('spacing-s')};
  }
`;
