import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const opportunityEditorStyles = css`
  :host {
    --_accent: var(--crm-opportunity-editor-accent, ${sys('color-primary')});
    background: var(--crm-opportunity-editor-background, ${sys('color-surface')});
  }
  form {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-l')};
  }
  h2 {
    margin: 0;
    font-size: 1.25em;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, var(--crm-opportunity-editor-columns, 12rem)), 1fr));
    gap: ${sys('spacing-m')};
  }
  .wide {
    grid-column: 1 / -1;
  }
  [part='error-summary'] ul,
  [part='conflict'] p {
    margin: 0 0 ${sys('spacing-s')};
  }
  [part='actions'] {
    align-items: center;
  }
`;
