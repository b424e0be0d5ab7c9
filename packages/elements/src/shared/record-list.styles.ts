import { css, unsafeCSS } from 'lit';
import { sys } from '../theme/tokens.js';

/** Height of one row in pixels (at least a 44 px touch target); windowing relies on every row having it. */
export const recordRowHeight = 48;

/**
 * Layout shared by the record lists. Each list maps its own tokens onto `--_columns` (the grid's
 * columns when wide), `--_columns-narrow` (below 40rem, where `.wide` cells are left out),
 * `--_height`, `--_row-hover` and `--_selected`.
 */
export const recordListStyles = css`
  :host {
    container-type: inline-size;
  }
  .toolbar {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr));
    gap: ${sys('spacing-m')};
    margin-block-end: ${sys('spacing-m')};
  }
  .bulk {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${sys('spacing-m')};
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    margin-block-end: ${sys('spacing-s')};
    background: var(--_panel);
    border-radius: var(--_radius);
  }
  .bulk[hidden] {
    display: none;
  }
  [part='grid'] {
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .scroller {
    block-size: var(--_height, 28rem);
    overflow-y: auto;
    position: relative;
    contain: strict;
  }
  .body {
    position: relative;
  }
  .row-item {
    display: grid;
    grid-template-columns: var(--_columns);
    align-items: center;
    block-size: ${unsafeCSS(recordRowHeight)}px;
    inline-size: 100%;
    gap: ${sys('spacing-s')};
    padding-inline: ${sys('spacing-s')};
    border-block-end: 1px solid var(--_panel);
  }
  .body .row-item {
    position: absolute;
    inset-inline: 0;
    top: 0;
    cursor: pointer;
    contain: layout style;
  }
  .body .row-item:hover {
    background: var(--_row-hover, var(--_panel));
  }
  .row-item[aria-selected='true'] {
    background: var(--_selected, color-mix(in srgb, var(--_accent) 14%, transparent));
  }
  .row-item:focus-visible {
    outline-offset: -2px;
  }
  .header {
    font-weight: 600;
    background: var(--_panel);
  }
  [part='cell'],
  [role='columnheader'] {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-inline-size: 0;
  }
  .select {
    display: grid;
    place-items: center;
    align-self: stretch;
  }
  .select input {
    inline-size: 1.25rem;
    block-size: 1.25rem;
  }
  .box {
    display: grid;
    place-items: center;
    inline-size: 1.1rem;
    block-size: 1.1rem;
    border: 1px solid ${sys('color-outline')};
    border-radius: 3px;
    font-size: 0.8em;
    color: var(--_accent);
  }
  .name {
    font-weight: 600;
  }
  .primary,
  .sub {
    display: block;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .sub {
    font-weight: 400;
    color: ${sys('color-on-surface-variant')};
    font-size: 0.9em;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  .number {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .footer {
    margin: ${sys('spacing-xs')} 0 0;
  }
  .error {
    color: ${sys('color-error')};
  }
  @container (max-width: 40rem) {
    .row-item {
      grid-template-columns: var(--_columns-narrow);
    }
    .wide {
      display: none;
    }
  }
`;
