import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const contactEditorStyles = css`
  :host {
    --_accent: var(--crm-contact-editor-accent, ${sys('color-primary')});
    background: var(--crm-contact-editor-background, ${sys('color-surface')});
  }
  form {
    display: flex;
    flex-direction: column;
    gap: var(--crm-contact-editor-gap, ${sys('spacing-l')});
  }
  h2 {
    margin: 0;
    font-size: 1.25em;
  }
  [part='section'] {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-m')};
    background: var(--crm-contact-editor-section-background, ${sys('color-surface')});
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--crm-contact-editor-columns, 14rem), 1fr));
    gap: ${sys('spacing-m')};
  }
  .entry {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(var(--crm-contact-editor-columns, 14rem), 1fr));
    gap: ${sys('spacing-s')};
    padding-block-end: ${sys('spacing-m')};
    border-block-end: 1px dashed ${sys('color-outline')};
  }
  .entry-actions {
    display: flex;
    align-items: flex-end;
    gap: ${sys('spacing-m')};
  }
  [data-add] {
    align-self: flex-start;
  }
  .stack {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  .picture-row {
    display: flex;
    gap: ${sys('spacing-m')};
    align-items: center;
  }
  .picture-row crm-text-field {
    flex: 1;
  }
  [part='picture'] {
    inline-size: 64px;
    block-size: 64px;
    border-radius: 50%;
    object-fit: cover;
    background: ${sys('color-surface-container')};
    flex: none;
  }
  .field-error {
    color: ${sys('color-error')};
    margin: 0;
  }
  [part='error-summary'] ul {
    margin: 0;
  }
`;
