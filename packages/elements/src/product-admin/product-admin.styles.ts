import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const productAdminStyles = css`
  :host {
    --_accent: var(--crm-product-admin-accent, ${sys('color-primary')});
    --_panel: var(--crm-product-admin-background, ${sys('color-surface-container')});
  }
  fieldset.assign {
    max-block-size: 16rem;
    overflow-y: auto;
  }
  .choices {
    display: flex;
    flex-wrap: wrap;
    gap: 0 ${sys('spacing-m')};
  }
  .badge.locked {
    color: ${sys('color-error')};
  }
`;
