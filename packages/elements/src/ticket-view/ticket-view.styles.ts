import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const ticketViewStyles = css`
  :host {
    --_accent: var(--crm-ticket-view-accent, ${sys('color-primary')});
    --_note: var(--crm-ticket-view-note-background, ${sys('color-surface-container')});
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: ${sys('spacing-s')};
    margin-block-end: ${sys('spacing-m')};
  }
  h2 {
    margin: 0;
    font-size: 1.25em;
    overflow-wrap: anywhere;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: ${sys('spacing-m')};
    margin-block-end: ${sys('spacing-m')};
  }
  .controls label {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  ol {
    list-style: none;
    margin: 0 0 ${sys('spacing-m')};
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-s')};
  }
  .message {
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
  }
  .message.internal {
    background: var(--_note);
    border-style: dashed;
  }
  .message p {
    margin: ${sys('spacing-xs')} 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .who {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
  }
  form {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-s')};
  }
  textarea {
    inline-size: 100%;
    min-block-size: 6em;
    font: inherit;
  }
  fieldset label {
    display: inline-flex;
    align-items: center;
    gap: ${sys('spacing-xs')};
    min-block-size: ${sys('target-size')};
  }
  .priority-urgent,
  .priority-high {
    color: ${sys('color-error')};
    font-weight: 600;
  }
  fieldset {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-m')};
    border: 0;
    margin: 0;
    padding: 0;
  }
`;
