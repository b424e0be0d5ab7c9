import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const gaugeStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    font-family: ${sys('font')};
    font-size: ${sys('font-size')};
    line-height: ${sys('line-height')};
    color: ${sys('color-on-surface')};
  }
  :host([hidden]) {
    display: none;
  }
  [part='base'] {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: ${sys('spacing-xs')};
    margin: 0;
  }
  [part='meter'] {
    position: relative;
    inline-size: 100%;
    max-inline-size: var(--crm-gauge-size, 12rem);
  }
  /* A half ring drawn with CSS gradients: the filled share sweeps from the left end (0) to the right (target). */
  [part='dial'] {
    aspect-ratio: 2 / 1;
    inline-size: 100%;
    border-start-start-radius: 999px;
    border-start-end-radius: 999px;
    background: conic-gradient(
      from 270deg at 50% 100%,
      var(--crm-gauge-fill, ${sys('color-primary')}) calc(var(--_share, 0) * 180deg),
      var(--crm-gauge-track, color-mix(in srgb, ${sys('color-outline')} 35%, transparent)) 0 180deg,
      transparent 0
    );
    mask: radial-gradient(circle farthest-side at 50% 100%, transparent 64%, #000 64.5%);
  }
  .reading {
    position: absolute;
    inset-inline: 0;
    inset-block-end: 0;
    display: flex;
    flex-direction: column;
    align-items: center;
  }
  [part='value'] {
    font-size: 1.35em;
    font-weight: 600;
    font-variant-numeric: tabular-nums;
  }
  [part='share'] {
    color: ${sys('color-on-surface-variant')};
  }
  [part='label'] {
    text-align: center;
    font-weight: 600;
  }
  [part='target'] {
    margin: 0;
    color: ${sys('color-on-surface-variant')};
    text-align: center;
  }
`;
