import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const ticketAssignmentAdminStyles = css`
  :host {
    --_accent: var(--crm-ticket-assignment-admin-accent, ${sys('color-primary')});
    --_panel: var(--crm-ticket-assignment-admin-background, ${sys('color-surface-container')});
  }
  ol.rules {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: ${sys('spacing-m')};
  }
  fieldset.rule {
    background: var(--_panel);
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    padding: ${sys('spacing-m')};
    margin: 0;
    min-inline-size: 0;
  }
  [data-move] {
    min-inline-size: 44px;
  }
`;
