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
`;
