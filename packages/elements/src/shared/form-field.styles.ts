import { css } from 'lit';
import { focusRing, sys } from '../theme/tokens.js';

/**
 * Layout of label, control, hint and error shared by the form fields. It reads private `--_*`
 * properties that each field maps from its own public `--crm-<field>-*` tokens.
 */
export const formFieldStyles = css`
  :host {
    display: block;
    font-family: ${sys('font')};
    font-size: ${sys('font-size')};
    line-height: ${sys('line-height')};
    color: ${sys('color-on-surface')};
  }
  :host([hidden]) {
    display: none;
  }
  [part='form-control'] {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  [part='label'] {
    font-weight: 600;
    color: var(--_label-color);
  }
  .required-mark {
    color: ${sys('color-error')};
  }
  .control {
    box-sizing: border-box;
    inline-size: 100%;
    min-block-size: ${sys('target-size')};
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    font: inherit;
    color: var(--_text-color);
    background: var(--_background);
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
  }
  .control:focus-visible {
    ${focusRing}
    border-color: ${sys('color-primary')};
  }
  .control:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  .control[aria-invalid='true'] {
    border-color: ${sys('color-error')};
  }
  [part='hint'] {
    color: ${sys('color-on-surface-variant')};
  }
  [part='error-message'] {
    color: ${sys('color-error')};
  }
  [part='error-message']:empty,
  [part='hint']:empty {
    display: none;
  }
`;
