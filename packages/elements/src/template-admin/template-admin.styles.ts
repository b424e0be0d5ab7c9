import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const templateAdminStyles = css`
  :host {
    --_accent: var(--crm-template-admin-accent, ${sys('color-primary')});
    --_panel: var(--crm-template-admin-background, ${sys('color-surface-container')});
  }
  button.merge {
    font-size: 0.9em;
  }
  .preview {
    margin-block-start: ${sys('spacing-l')};
    padding: ${sys('spacing-m')};
    border-radius: var(--_radius);
    background: var(--_panel);
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-s')};
  }
  .grow {
    flex: 1 1 12rem;
  }
  .rendered pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    font: inherit;
    margin: 0;
    padding: ${sys('spacing-s')};
    background: var(--_surface);
    border-radius: var(--_radius);
  }
  iframe {
    inline-size: 100%;
    min-block-size: 12rem;
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
    background: #fff;
  }
  p.field-error:empty {
    display: none;
  }
`;
