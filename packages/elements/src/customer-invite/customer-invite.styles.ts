import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const customerInviteStyles = css`
  :host {
    display: block;
    --_panel: var(--crm-customer-invite-background, ${sys('color-surface-container')});
  }
  .panel {
    background: var(--_panel);
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    padding: ${sys('spacing-m')};
    display: grid;
    gap: ${sys('spacing-s')};
    min-inline-size: 0;
  }
  h3 {
    margin: 0;
    font-size: 1rem;
  }
  p {
    margin: 0;
    overflow-wrap: anywhere;
  }
  button {
    justify-self: start;
    min-block-size: 44px;
  }
`;
