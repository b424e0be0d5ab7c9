import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const workflowAdminStyles = css`
  :host {
    --_accent: var(--crm-workflow-admin-accent, ${sys('color-primary')});
    --_panel: var(--crm-workflow-admin-background, ${sys('color-surface-container')});
  }
  fieldset.state {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-s')};
    background: var(--_panel);
    min-inline-size: 0;
  }
  fieldset.moves {
    padding: ${sys('spacing-s')};
  }
  .choices {
    display: flex;
    flex-wrap: wrap;
    gap: 0 ${sys('spacing-m')};
  }
  .choices .field.check {
    min-block-size: 2.75rem;
  }
  code {
    overflow-wrap: anywhere;
  }
  [part='picker'] .field {
    min-inline-size: min(100%, 20rem);
  }
`;
