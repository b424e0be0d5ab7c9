import { css } from 'lit';

export const messagesStyles = css`
  :host {
    display: block;
    font-family: var(--crm-sys-font, system-ui, sans-serif);
    color: var(--crm-sys-color-on-surface, #1b1b1f);
  }
  h3,
  h4 {
    margin-block: 0.5rem;
  }
  .count {
    font-weight: normal;
    font-size: 0.9em;
    color: var(--crm-sys-color-on-surface-variant, #4a4c57);
  }
  ul,
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .conversations {
    display: grid;
    gap: 0.25rem;
  }
  .conversation {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.1rem 0.5rem;
    width: 100%;
    min-height: 44px;
    text-align: start;
    padding: 0.5rem 0.75rem;
    background: var(--crm-sys-color-surface, #ffffff);
    color: inherit;
    border: 1px solid var(--crm-sys-color-outline, #767884);
    border-radius: var(--crm-sys-radius, 8px);
    font: inherit;
    cursor: pointer;
  }
  .conversation .title {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .conversation .preview {
    grid-column: 1;
    color: var(--crm-sys-color-on-surface-variant, #4a4c57);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .conversation .when {
    grid-column: 2;
    font-size: 0.85em;
    color: var(--crm-sys-color-on-surface-variant, #4a4c57);
  }
  .kind,
  .badge {
    justify-self: end;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    font-size: 0.85em;
    background: var(--crm-sys-color-surface-container, #f3f4f8);
    color: var(--crm-sys-color-on-surface-variant, #4a4c57);
  }
  .badge {
    background: var(--crm-messages-unread, var(--crm-sys-color-primary, #2f4fbf));
    color: var(--crm-sys-color-on-primary, #ffffff);
    font-weight: 600;
  }
  .thread header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .messages {
    display: grid;
    gap: 0.5rem;
  }
  .log {
    max-height: 28rem;
    overflow-y: auto;
    display: grid;
    gap: 0.5rem;
    padding: 0.5rem;
    border: 1px solid var(--crm-sys-color-outline, #767884);
    border-radius: var(--crm-sys-radius, 8px);
  }
  .message {
    padding: 0.5rem 0.75rem;
    border-radius: var(--crm-sys-radius, 8px);
    background: var(--crm-sys-color-surface-container, #f3f4f8);
    color: var(--crm-sys-color-on-surface, #1b1c21);
    max-width: 85%;
  }
  .message.own {
    justify-self: end;
    background: var(--crm-messages-own, var(--crm-sys-color-primary, #2f4fbf));
    color: var(--crm-sys-color-on-primary, #ffffff);
  }
  .message p {
    margin: 0;
  }
  .message .body {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .meta {
    font-size: 0.85em;
  }
  .message .tombstone {
    font-style: italic;
    opacity: 0.85;
  }
  .message.deleted {
    background: transparent;
    color: inherit;
    border: 1px dashed var(--crm-sys-color-outline, #767884);
  }
  .message .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.25rem;
    margin-block-start: 0.25rem;
  }
  /* On a message's own background the actions take its text colour, so they keep its contrast. */
  .message .actions button,
  .message .edit button:not(.primary) {
    color: inherit;
    border-color: currentColor;
  }
  .message .edit {
    display: grid;
    gap: 0.25rem;
    margin-block-start: 0.25rem;
  }
  .message .edit textarea {
    color: var(--crm-sys-color-on-surface, #1b1c21);
    background: var(--crm-sys-color-surface, #ffffff);
  }
  .message.own .edit button.primary {
    color: var(--crm-sys-color-primary, #2f4fbf);
    background: var(--crm-sys-color-on-primary, #ffffff);
  }
  .composer {
    margin-block: 0.75rem;
    display: grid;
    gap: 0.25rem;
  }
  .compose-wrap {
    position: relative;
  }
  textarea {
    width: 100%;
    box-sizing: border-box;
    font: inherit;
    min-height: 4.5rem;
  }
  .suggestions {
    position: absolute;
    inset-inline: 0;
    top: 100%;
    z-index: 1;
    background: var(--crm-sys-color-surface, #ffffff);
    color: var(--crm-sys-color-on-surface, #1b1b1f);
    border: 1px solid var(--crm-sys-color-outline, #74777f);
    border-radius: var(--crm-sys-radius, 8px);
  }
  .suggestions[hidden] {
    display: none;
  }
  [role='option'] {
    padding: 0.5rem 0.75rem;
    min-height: 44px;
    box-sizing: border-box;
    cursor: pointer;
  }
  [role='option'][aria-selected='true'] {
    background: var(--crm-sys-color-primary, #2f4fbf);
    color: var(--crm-sys-color-on-primary, #ffffff);
  }
  .hint {
    margin: 0;
    font-size: 0.85em;
    color: var(--crm-sys-color-on-surface-variant, #4a4c57);
  }
  .field-error {
    color: var(--crm-sys-color-error, #ba1a1a);
    margin: 0;
  }
  .start {
    margin-block: 1rem;
    padding: 0.75rem;
    border: 1px solid var(--crm-sys-color-outline, #767884);
    border-radius: var(--crm-sys-radius, 8px);
  }
  label.block {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
  }
  input {
    min-height: 44px;
    box-sizing: border-box;
  }
  .people {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin-block: 0.5rem;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 0.25rem;
    margin-inline-end: 0.25rem;
    padding-inline-start: 0.5rem;
    border-radius: 999px;
    background: var(--crm-sys-color-surface-container, #f3f4f8);
    color: var(--crm-sys-color-on-surface, #1b1c21);
  }
  button {
    min-height: 44px;
    min-width: 44px;
  }
`;
