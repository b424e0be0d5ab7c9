import { css } from 'lit';
import { sys } from '../theme/tokens.js';

/** The bell, its count and the panel that hangs from it. */
export const notificationInboxStyles = css`
  :host {
    display: inline-block;
    position: relative;
  }
  .bell {
    position: relative;
    justify-content: center;
    min-inline-size: ${sys('target-size')};
    padding: 0;
    color: ${sys('color-on-surface')};
  }
  .bell svg {
    inline-size: 1.4rem;
    block-size: 1.4rem;
    fill: currentColor;
  }
  .count {
    position: absolute;
    inset-block-start: 0.15rem;
    inset-inline-end: 0.15rem;
    min-inline-size: 1.2rem;
    padding: 0 0.3rem;
    border-radius: 999px;
    font-size: 0.75rem;
    font-weight: 700;
    line-height: 1.2rem;
    text-align: center;
    color: var(--crm-notification-inbox-badge-color, ${sys('color-on-primary')});
    background: var(--crm-notification-inbox-badge-background, ${sys('color-primary')});
  }
  .panel {
    position: absolute;
    z-index: 10;
    inset-block-start: calc(100% + ${sys('spacing-xs')});
    inset-inline-end: 0;
    inline-size: min(var(--crm-notification-inbox-width, 24rem), calc(100vw - 1rem));
    max-block-size: min(32rem, calc(100vh - 6rem));
    overflow-y: auto;
    text-align: start;
    background: var(--crm-notification-inbox-background, ${sys('color-surface')});
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
    box-shadow: 0 6px 24px rgb(0 0 0 / 0.25);
  }
  .panel[hidden] {
    display: none;
  }
  .panel:focus-visible {
    outline: 2px solid ${sys('color-primary')};
    outline-offset: -2px;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: ${sys('spacing-s')};
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    border-block-end: 1px solid ${sys('color-outline')};
  }
  h2 {
    margin: 0;
    font-size: 1rem;
  }
  .list {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .item {
    display: grid;
    grid-template-columns: 0.6rem minmax(0, 1fr) auto;
    align-items: start;
    gap: ${sys('spacing-s')};
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    border-block-end: 1px solid ${sys('color-surface-container')};
    overflow-wrap: anywhere;
  }
  .item[data-unread] {
    background: var(--crm-notification-inbox-unread-background, ${sys('color-surface-container')});
  }
  .dot {
    inline-size: 0.6rem;
    block-size: 0.6rem;
    margin-block-start: 1rem;
    border-radius: 50%;
  }
  .item[data-unread] .dot {
    background: ${sys('color-primary')};
  }
  .title {
    display: flex;
    align-items: center;
    min-block-size: ${sys('target-size')};
    margin: 0;
    font-weight: 600;
  }
  .item:not([data-unread]) .title {
    font-weight: 400;
  }
  a.title {
    color: var(--_accent);
  }
  .body {
    margin: 0 0 ${sys('spacing-xs')};
  }
  time {
    font-size: 0.8rem;
  }
  .muted {
    color: ${sys('color-on-surface-variant')};
  }
  .more {
    display: flex;
    margin: ${sys('spacing-s')} auto;
  }
  .error {
    margin: ${sys('spacing-s')} ${sys('spacing-m')};
    color: ${sys('color-error')};
  }
`;
