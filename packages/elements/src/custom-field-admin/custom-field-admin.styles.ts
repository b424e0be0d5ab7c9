import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const customFieldAdminStyles = css`
  :host {
    --_accent: var(--crm-custom-field-admin-accent, ${sys('color-primary')});
    --_panel: var(--crm-custom-field-admin-background, ${sys('color-surface-container')});
  }
  code {
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
`;
