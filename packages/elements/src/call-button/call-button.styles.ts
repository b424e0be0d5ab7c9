import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const callButtonStyles = css`
  :host {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${sys('spacing-s')};
    max-inline-size: 100%;
  }
  button {
    background: var(--crm-call-button-background, ${sys('color-primary')});
    color: var(--crm-call-button-color, ${sys('color-on-primary')});
    border-color: transparent;
  }
  [part='status'] {
    margin: 0;
    overflow-wrap: anywhere;
    color: ${sys('color-on-surface-variant')};
  }
  [part='status'].failed {
    color: ${sys('color-error')};
  }
  [part='status']:empty {
    display: none;
  }
`;
