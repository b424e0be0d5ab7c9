import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const kbEditorStyles = css`
  :host {
    display: block;
    --_accent: var(--crm-kb-editor-accent, ${sys('color-primary')});
    --_panel: var(--crm-kb-editor-background, ${sys('color-surface-container')});
  }
  .layout {
    display: grid;
    gap: ${sys('spacing-m')};
    grid-template-columns: minmax(0, 1fr);
  }
  @media (min-width: 900px) {
    .layout {
      grid-template-columns: minmax(14rem, 1fr) minmax(0, 2fr);
    }
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: ${sys('spacing-s')};
    margin-block-end: ${sys('spacing-m')};
  }
  label {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
    min-inline-size: 0;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  .article {
    inline-size: 100%;
    text-align: start;
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
    background: var(--_panel);
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    padding: ${sys('spacing-s')};
    color: inherit;
    font: inherit;
    cursor: pointer;
    min-block-size: ${sys('target-size')};
  }
  .article[aria-current='true'] {
    border-color: var(--_accent);
    border-width: 2px;
  }
  .title {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .muted {
    color: ${sys('color-on-surface-variant')};
    font-size: 0.875em;
  }
  .editor {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-s')};
    min-inline-size: 0;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
  }
  .row > label {
    flex: 1 1 10rem;
  }
  input,
  textarea,
  select {
    font: inherit;
    min-block-size: ${sys('target-size')};
    box-sizing: border-box;
    max-inline-size: 100%;
  }
  textarea {
    min-block-size: 12rem;
    resize: vertical;
    font-family: ui-monospace, monospace;
  }
  .preview {
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
    padding: ${sys('spacing-m')};
    overflow-wrap: anywhere;
    overflow-x: auto;
  }
  .preview img {
    max-inline-size: 100%;
  }
  .badge {
    align-self: start;
    border-radius: ${sys('radius')};
    padding: 0 ${sys('spacing-xs')};
    border: 1px solid currentColor;
    font-size: 0.8em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
  }
  .error {
    color: ${sys('color-error')};
  }
  .versions li {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: ${sys('spacing-s')};
  }
`;
