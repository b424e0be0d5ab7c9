import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const selectFieldStyles = css`
  :host {
    --_label-color: var(--crm-select-field-label-color, ${sys('color-on-surface')});
    --_text-color: var(--crm-select-field-text-color, ${sys('color-on-surface')});
    --_background: var(--crm-select-field-background, ${sys('color-surface')});
    --_border-color: var(--crm-select-field-border-color, ${sys('color-outline')});
    --_radius: var(--crm-select-field-radius, ${sys('radius')});
  }
  select.control {
    cursor: pointer;
  }
`;
