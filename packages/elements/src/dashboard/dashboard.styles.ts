import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const dashboardStyles = css`
  :host {
    container-type: inline-size;
    --_gap: var(--crm-dashboard-gap, ${sys('spacing-m')});
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: ${sys('spacing-s')};
    margin-block-end: var(--_gap);
  }
  .toolbar h2 {
    margin: 0;
    font-size: 1.25em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(12, minmax(0, 1fr));
    gap: var(--_gap);
  }
  .widget {
    grid-column: span var(--_span, 4);
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
    min-inline-size: 0;
    padding: ${sys('spacing-m')};
    background: var(--crm-dashboard-widget-background, ${sys('color-surface-container')});
    border-radius: ${sys('radius')};
  }
  .widget h3 {
    margin: 0;
    font-size: 1em;
  }
  .widget-tools {
    display: flex;
    gap: ${sys('spacing-xs')};
  }
  .widget-tools button {
    min-inline-size: ${sys('target-size')};
    justify-content: center;
  }
  .widget-body {
    flex: 1;
    display: flex;
    flex-direction: column;
    justify-content: center;
  }
  /* The widget's heading names it; the gauge's and chart's own captions stay for assistive technology only. */
  crm-gauge::part(label),
  crm-chart::part(label) {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  /* With its label hidden, the chart's "Show as table" sits at the end of its line. */
  crm-chart::part(header) {
    justify-content: flex-end;
  }
  .figure {
    margin: 0;
    font-size: 2em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  .muted {
    margin: 0;
    color: ${sys('color-on-surface-variant')};
  }
  .error {
    margin: 0;
    color: ${sys('color-error')};
  }
  .add-form {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
    align-items: end;
    gap: ${sys('spacing-s')};
    margin-block-start: var(--_gap);
    padding: ${sys('spacing-m')};
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
  }
  .add-form h3 {
    grid-column: 1 / -1;
    margin: 0;
    font-size: 1em;
  }
  .add-form label {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  /* Two columns on a tablet, one on a phone: every widget takes the whole row. */
  @container (max-width: 56rem) {
    .widget {
      grid-column: span 6;
    }
  }
  @container (max-width: 36rem) {
    .widget {
      grid-column: 1 / -1;
    }
  }
`;
