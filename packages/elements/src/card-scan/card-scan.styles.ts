import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const cardScanStyles = css`
  :host {
    display: block;
    font-family: ${sys('font')};
    color: ${sys('color-on-surface')};
    background: var(--crm-card-scan-background, ${sys('color-surface')});
    --_accent: var(--crm-card-scan-accent, ${sys('color-primary')});
  }
  .picker,
  .progress,
  .review {
    display: grid;
    gap: ${sys('spacing-m')};
  }
  .pick {
    position: relative;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    justify-self: start;
    max-inline-size: 100%;
    min-block-size: ${sys('target-size')};
    padding: ${sys('spacing-xs')} ${sys('spacing-l')};
    color: ${sys('color-on-primary')};
    background: var(--_accent);
    border-radius: ${sys('radius')};
    cursor: pointer;
    font-weight: 600;
  }
  /* The native input covers the button, invisible: a tap or a click opens the camera or the file chooser, and it keeps the focus. */
  .pick input {
    position: absolute;
    inset: 0;
    inline-size: 100%;
    block-size: 100%;
    opacity: 0;
    cursor: pointer;
  }
  .pick:focus-within {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .hint,
  p {
    margin: 0;
  }
  .head {
    justify-content: space-between;
    align-items: center;
  }
  .check {
    border-color: ${sys('color-outline')};
  }
  details pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    margin: ${sys('spacing-s')} 0 0;
    padding: ${sys('spacing-s')};
    background: ${sys('color-surface-container')};
    border-radius: ${sys('radius')};
  }
  summary {
    cursor: pointer;
    min-block-size: ${sys('target-size')};
    display: flex;
    align-items: center;
  }
`;
