import { css } from 'lit';
import { sys } from '../theme/tokens.js';

/** The flags above the chart; the chart keeps its own styles. */
export const accountHealthStyles = css`
  :host {
    display: block;
    font-family: ${sys('font')};
    color: ${sys('color-on-surface')};
  }
  [part='flags'] {
    margin-block-end: ${sys('spacing-s')};
  }
  h3 {
    font-size: 1rem;
    margin: 0 0 ${sys('spacing-xs')};
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: ${sys('spacing-xs')};
  }
  li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 0.75rem;
    align-items: baseline;
    padding: ${sys('spacing-xs')} ${sys('spacing-s')};
    border-inline-start: 4px solid var(--crm-account-health-flag, ${sys('color-error')});
    background: ${sys('color-surface-container')};
    border-radius: ${sys('radius')};
  }
  .flag {
    font-weight: 600;
  }
  .calm {
    margin: 0;
    color: ${sys('color-on-surface-variant')};
  }
`;
