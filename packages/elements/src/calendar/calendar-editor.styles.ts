import { css } from 'lit';
import { sys } from '../theme/tokens.js';

/**
 * The create / edit dialog of `<crm-calendar>`: its own dialog, scope choice and actions. The fields
 * (`.fields`, `.field`, hints, errors, the danger button) come from `fieldStyles` in shared/admin-form.ts.
 */
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
  label.check {
    display: flex;
    align-items: center;
    gap: ${sys('spacing-s')};
    min-block-size: 2.75rem;
    cursor: pointer;
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
`;
