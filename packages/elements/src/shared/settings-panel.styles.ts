import { css, unsafeCSS, type CSSResult } from 'lit';
import { sys } from '../theme/tokens.js';

/**
 * The look the settings panels share (Mailwizz, phone, privacy console): the host as a grid of panels whose
 * background a host page sets with `--crm-<element>-background`, wrapping field rows, a row of actions, and
 * plain tables with a caption. Each element adds only what is its own.
 */
export function settingsPanelStyles(element: string): CSSResult {
  const background = unsafeCSS(`--crm-${element.replace(/[^a-z-]/g, '')}-background`);
  return css`
    :host {
      display: grid;
      gap: ${sys('spacing-m')};
      --_panel: var(${background}, ${sys('color-surface-container')});
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
    h3,
    h4 {
      margin: 0;
      font-size: 1rem;
    }
    p {
      margin: 0;
      overflow-wrap: anywhere;
    }
    .fields {
      display: grid;
      gap: ${sys('spacing-s')};
      grid-template-columns: repeat(auto-fit, minmax(min(100%, 16rem), 1fr));
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: ${sys('spacing-s')};
      align-items: end;
    }
    .table-wrap {
      overflow-x: auto;
    }
    table {
      border-collapse: collapse;
      inline-size: 100%;
    }
    caption {
      text-align: start;
      font-weight: 600;
      padding-block-end: ${sys('spacing-xs')};
    }
    th,
    td {
      text-align: start;
      padding: ${sys('spacing-xs')};
      border-block-end: 1px solid ${sys('color-outline')};
      vertical-align: top;
      overflow-wrap: anywhere;
    }
    .ok {
      color: ${sys('color-primary')};
    }
    .failed {
      color: ${sys('color-error')};
    }
    .muted {
      color: ${sys('color-on-surface-variant')};
    }
  `;
}
