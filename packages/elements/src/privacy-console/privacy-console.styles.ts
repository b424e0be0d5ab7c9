import { css } from 'lit';
import { settingsPanelStyles } from '../shared/settings-panel.styles.js';
import { sys } from '../theme/tokens.js';

/** The shared settings panel, plus the erasure block and numeric columns of the console. */
export const privacyConsoleStyles = [
  settingsPanelStyles('privacy-console'),
  css`
    .erase {
      display: grid;
      gap: ${sys('spacing-s')};
      border-block-start: 1px solid ${sys('color-outline')};
      padding-block-start: ${sys('spacing-s')};
    }
    button {
      justify-self: start;
      min-block-size: 44px;
    }
    .num {
      text-align: end;
      font-variant-numeric: tabular-nums;
    }
  `,
];
