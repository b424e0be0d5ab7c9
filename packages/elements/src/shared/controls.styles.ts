import { css } from 'lit';
import { focusRing, sys } from '../theme/tokens.js';

/**
 * Buttons, banners, native inputs and helpers shared by the data elements. Each element maps its own
 * `--crm-<element>-*` tokens onto the private `--_accent`, `--_surface`, `--_panel` and `--_radius`.
 */
export const controlStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    font-family: ${sys('font')};
    font-size: ${sys('font-size')};
    line-height: ${sys('line-height')};
    color: ${sys('color-on-surface')};
    --_accent: ${sys('color-primary')};
    --_on-accent: ${sys('color-on-primary')};
    --_surface: ${sys('color-surface')};
    --_panel: ${sys('color-surface-container')};
    --_radius: ${sys('radius')};
  }
  :host([hidden]) {
    display: none;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  .sr-only {
    position: absolute;
    inline-size: 1px;
    block-size: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  button,
  .button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: ${sys('spacing-xs')};
    min-block-size: ${sys('target-size')};
    padding: ${sys('spacing-xs')} ${sys('spacing-m')};
    color: var(--_accent);
    background: transparent;
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
    cursor: pointer;
  }
  button.primary {
    color: var(--_on-accent);
    background: var(--_accent);
    border-color: var(--_accent);
  }
  button.quiet {
    border-color: transparent;
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  button:focus-visible,
  input:focus-visible,
  textarea:focus-visible,
  select:focus-visible,
  a:focus-visible,
  [tabindex]:focus-visible {
    ${focusRing}
  }
  a {
    color: var(--_accent);
  }
  input[type='checkbox'],
  input[type='radio'] {
    inline-size: 1.1rem;
    block-size: 1.1rem;
    accent-color: var(--_accent);
    margin: 0;
  }
  textarea,
  input.native,
  select.native {
    font: inherit;
    inline-size: 100%;
    min-block-size: ${sys('target-size')};
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    color: ${sys('color-on-surface')};
    background: var(--_surface);
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
  }
  label.inline {
    display: inline-flex;
    align-items: center;
    min-block-size: ${sys('target-size')};
    gap: ${sys('spacing-s')};
  }
  .label {
    font-weight: 600;
  }
  fieldset {
    margin: 0;
    padding: ${sys('spacing-m')};
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
  }
  legend {
    font-weight: 600;
    padding: 0 ${sys('spacing-xs')};
  }
  .banner {
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    border-radius: var(--_radius);
    border: 1px solid ${sys('color-outline')};
    background: var(--_panel);
  }
  .banner.error {
    color: ${sys('color-error')};
    border-color: ${sys('color-error')};
  }
  .banner:empty {
    display: none;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
    align-items: flex-end;
  }
  .muted {
    color: ${sys('color-on-surface-variant')};
  }
  .badge {
    display: inline-block;
    padding: 0 ${sys('spacing-s')};
    border-radius: 999px;
    border: 1px solid currentColor;
    font-size: 0.8em;
    white-space: nowrap;
  }
`;
