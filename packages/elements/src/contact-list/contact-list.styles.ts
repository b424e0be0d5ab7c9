import { css, unsafeCSS } from 'lit';
import { sys } from '../theme/tokens.js';

/** Height of one row in pixels; windowing relies on every row having it. */
export const rowHeight = 44;

export const contactListStyles = css`
  :host {
    --_columns: var(--crm-contact-list-columns, 2.5rem 2fr 2fr 1.5fr 8rem);
  }
  .toolbar {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
    gap: ${sys('spacing-m')};
    margin-block-end: ${sys('spacing-m')};
  }
  .bulk {
    display: flex;
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
    block-size: var(--crm-contact-list-height, 28rem);
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
    block-size: ${unsafeCSS(rowHeight)}px;
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
    background: var(--crm-contact-list-row-hover, var(--_panel));
  }
  .row-item[aria-selected='true'] {
    background: var(--crm-contact-list-selected, color-mix(in srgb, var(--_accent) 14%, transparent));
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
  }
  .select {
    display: grid;
    place-items: center;
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
  .body .tail {
    display: flex;
    cursor: default;
  }
  .tail-cell {
    display: flex;
    align-items: center;
    gap: ${sys('spacing-s')};
  }
  .footer {
    margin: ${sys('spacing-xs')} 0 0;
  }
  .error {
    color: ${sys('color-error')};
  }
`;
