import { css } from 'lit';
import { settingsPanelStyles } from '../shared/settings-panel.styles.js';
import { sys } from '../theme/tokens.js';

export const voipSettingsStyles = settingsPanelStyles('voip-settings');

export const voipUrlStyles = css`
  dl {
    display: grid;
    gap: ${sys('spacing-xs')};
    margin: 0;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
  }
  code {
    display: block;
    overflow-wrap: anywhere;
    font-size: 0.85rem;
  }
`;
