import { css } from 'lit';
import { settingsPanelStyles } from '../shared/settings-panel.styles.js';
import { sys } from '../theme/tokens.js';

export const purchaseConditionsStyles = [
  settingsPanelStyles('purchase-conditions'),
  css`
    :host {
      container-type: inline-size;
    }
    .layout {
      display: grid;
      gap: ${sys('spacing-m')};
    }
    .side {
      display: grid;
      gap: ${sys('spacing-m')};
      align-content: start;
      min-inline-size: 0;
    }
    /* Wide hosts: the form beside the computed figures. */
    @container (min-width: 56rem) {
      .layout {
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
      }
    }
    dl {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto;
      gap: ${sys('spacing-xs')} ${sys('spacing-s')};
      margin: 0;
    }
    dt {
      overflow-wrap: anywhere;
    }
    dd {
      margin: 0;
      text-align: end;
      font-variant-numeric: tabular-nums;
      font-weight: 600;
    }
  `,
];
