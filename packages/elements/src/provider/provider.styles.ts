import { css } from 'lit';
import { darkTokens, declareTokens, focusRing, lightTokens, sys } from '../theme/tokens.js';

export const providerStyles = css`
  :host {
    ${declareTokens(lightTokens)}
    color-scheme: light;
    display: block;
    color: ${sys('color-on-surface')};
    background: var(--crm-provider-background, ${sys('color-surface')});
    font-family: ${sys('font')};
    font-size: ${sys('font-size')};
    line-height: ${sys('line-height')};
  }
  :host([theme='dark']) {
    ${declareTokens(darkTokens)}
    color-scheme: dark;
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${declareTokens(darkTokens)}
      color-scheme: dark;
    }
  }
  :host([hidden]) {
    display: none;
  }
  [part='sign-in'] {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-m')};
    max-inline-size: var(--crm-provider-sign-in-width, 22rem);
    margin-inline: auto;
    padding: ${sys('spacing-l')};
    background: ${sys('color-surface-container')};
    border-radius: ${sys('radius')};
  }
  [part='sign-in-heading'] {
    margin: 0;
    font-size: 1.25em;
  }
  [part='sign-in-error'] {
    margin: 0;
    color: ${sys('color-error')};
  }
  [part='sign-in-error']:empty {
    display: none;
  }
  [part='sign-in-button'] {
    min-block-size: ${sys('target-size')};
    min-inline-size: ${sys('target-size')};
    font: inherit;
    font-weight: 600;
    color: ${sys('color-on-primary')};
    background: ${sys('color-primary')};
    border: 0;
    border-radius: ${sys('radius')};
    padding: ${sys('spacing-s')} ${sys('spacing-l')};
    cursor: pointer;
  }
  [part='sign-in-button']:disabled {
    opacity: 0.7;
    cursor: progress;
  }
  [part='sign-in-button']:focus-visible {
    ${focusRing}
  }
`;
