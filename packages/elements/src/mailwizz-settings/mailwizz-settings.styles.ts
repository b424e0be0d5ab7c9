import { settingsPanelStyles } from '../shared/settings-panel.styles.js';

export const mailwizzSettingsStyles = settingsPanelStyles('mailwizz-settings');
