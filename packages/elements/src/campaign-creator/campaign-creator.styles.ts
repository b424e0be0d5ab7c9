import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const campaignCreatorStyles = css`
  :host {
    --_accent: var(--crm-campaign-creator-accent, ${sys('color-primary')});
    max-inline-size: var(--crm-campaign-creator-max-width, 48rem);
  }
  [part='steps'] {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-xs')};
    list-style: none;
    margin: 0 0 ${sys('spacing-m')};
    padding: 0;
  }
  [part='step'][aria-current='step'] button {
    color: var(--_on-accent);
    background: var(--_accent);
  }
  form {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-m')};
  }
  h2 {
    margin: 0;
    font-size: 1.2em;
  }
  h3 {
    margin: 0 0 ${sys('spacing-s')};
    font-size: 1em;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
    gap: ${sys('spacing-m')};
  }
  .stack {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  .results,
  .chips {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  .chips {
    flex-direction: row;
    flex-wrap: wrap;
  }
  .chips li {
    display: inline-flex;
    align-items: center;
    gap: ${sys('spacing-xs')};
    padding-inline-start: ${sys('spacing-s')};
    border: 1px solid ${sys('color-outline')};
    border-radius: 999px;
  }
  [part='preview'] {
    padding: ${sys('spacing-m')};
    background: var(--crm-campaign-creator-preview-background, var(--_panel));
    border-radius: var(--_radius);
  }
  .body {
    white-space: pre-wrap;
  }
  [part='summary'] {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: ${sys('spacing-xs')} ${sys('spacing-m')};
    margin: 0;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
  }
  [part='step'].flagged button {
    color: ${sys('color-error')};
    border-color: ${sys('color-error')};
  }
  textarea {
    font: inherit;
    inline-size: 100%;
  }
  .field-error {
    margin: 0;
    color: ${sys('color-error')};
  }
  [part='merge-fields'] ul {
    list-style: none;
    margin: ${sys('spacing-xs')} 0 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-xs')};
  }
  .merge-field code {
    font-size: 0.85em;
    color: ${sys('color-on-surface-variant')};
  }
  [part='test-send'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${sys('spacing-s')};
  }
  .test-status {
    margin: 0;
    flex-basis: 100%;
  }
  .test-status:empty {
    display: none;
  }
  [part='error'] ul {
    margin: 0;
    padding-inline-start: 1.2em;
  }
`;
