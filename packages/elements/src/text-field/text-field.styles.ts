import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const textFieldStyles = css`
  :host {
    --_label-color: var(--crm-text-field-label-color, ${sys('color-on-surface')});
    --_text-color: var(--crm-text-field-text-color, ${sys('color-on-surface')});
    --_background: var(--crm-text-field-background, ${sys('color-surface')});
    --_border-color: var(--crm-text-field-border-color, ${sys('color-outline')});
    --_radius: var(--crm-text-field-radius, ${sys('radius')});
  }
  .with-picker {
    position: relative;
    display: flex;
    gap: ${sys('spacing-xs')};
  }
  .with-picker .control {
    flex: 1;
    min-inline-size: 0;
  }
  .picker-button {
    flex: none;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    inline-size: ${sys('target-size')};
    min-block-size: ${sys('target-size')};
    padding: 0;
    color: ${sys('color-primary')};
    background: var(--_background);
    border: 1px solid var(--_border-color);
    border-radius: var(--_radius);
    cursor: pointer;
  }
  .picker-button:focus-visible {
    outline: 2px solid ${sys('color-primary')};
    outline-offset: 2px;
  }
  .picker-button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  /* The native date input only lends its calendar; it stays out of sight and out of the way. */
  .picker {
    position: absolute;
    inset-inline-end: 0;
    inset-block-end: 0;
    inline-size: 1px;
    block-size: 1px;
    opacity: 0;
    pointer-events: none;
    border: 0;
    padding: 0;
  }
`;
