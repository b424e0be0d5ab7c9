import { css } from 'lit';
import { sys } from '../theme/tokens.js';

/** The create / edit dialog of `<crm-calendar>`: fields that wrap, one column at phone width. */
export const calendarEditorStyles = css`
  dialog[data-editor] {
    inline-size: min(36rem, calc(100vw - 1rem));
    max-block-size: calc(100vh - 1rem);
    overflow: auto;
    color: inherit;
    background: var(--_surface);
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
    padding: ${sys('spacing-m')};
  }
  dialog[data-editor]::backdrop {
    background: rgb(0 0 0 / 0.4);
  }
  dialog[data-editor] form {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-m')};
  }
  dialog[data-editor] h3 {
    margin: 0;
    font-size: 1.1em;
    overflow-wrap: anywhere;
  }
  .fields {
    display: grid;
    gap: ${sys('spacing-m')};
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 13rem), 1fr));
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
    min-inline-size: 0;
  }
  .field.wide {
    grid-column: 1 / -1;
  }
  .field.check,
  label.check {
    flex-direction: row;
    display: flex;
    align-items: center;
    gap: ${sys('spacing-s')};
    min-block-size: 2.75rem;
    cursor: pointer;
  }
  .field label {
    font-weight: 600;
  }
  .hint {
    font-size: 0.85em;
    color: ${sys('color-on-surface-variant')};
  }
  .field-error {
    color: ${sys('color-error')};
  }
  textarea {
    resize: vertical;
  }
  dialog[data-editor] .actions {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
    align-items: center;
  }
  .actions .spacer {
    flex: 1 1 0;
  }
  .confirm p {
    margin: 0 0 ${sys('spacing-s')};
  }
  button.danger {
    background: ${sys('color-error')};
    border-color: ${sys('color-error')};
    color: ${sys('color-on-error')};
  }
`;
