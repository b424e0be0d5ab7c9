import { css } from 'lit';
import { focusRing, sys } from '../theme/tokens.js';

export const stateStyles = css`
  :host {
    display: block;
    color: var(--crm-state-color, ${sys('color-on-surface-variant')});
    font-family: ${sys('font')};
    font-size: ${sys('font-size')};
    line-height: ${sys('line-height')};
  }
  :host([hidden]) {
    display: none;
  }
  [part='base'] {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: ${sys('spacing-s')};
    padding: var(--crm-state-padding, ${sys('spacing-l')});
    background: var(--crm-state-background, transparent);
    border-radius: ${sys('radius')};
    text-align: center;
  }
  :host([kind='error']) [part='message'] {
    color: var(--crm-state-error-color, ${sys('color-error')});
  }
  [part='message'] {
    margin: 0;
  }
  .spinner {
    inline-size: 1.5rem;
    block-size: 1.5rem;
    border: 3px solid var(--crm-state-track-color, ${sys('color-surface-container')});
    border-block-start-color: var(--crm-state-spinner-color, ${sys('color-primary')});
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation-duration: 2.4s;
    }
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  [part='retry-button'] {
    min-block-size: ${sys('target-size')};
    min-inline-size: ${sys('target-size')};
    font: inherit;
    color: ${sys('color-primary')};
    background: transparent;
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    padding: ${sys('spacing-xs')} ${sys('spacing-m')};
    cursor: pointer;
  }
  [part='retry-button']:focus-visible {
    ${focusRing}
  }
`;
