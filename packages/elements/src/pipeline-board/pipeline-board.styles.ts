import { css, unsafeCSS } from 'lit';
import { sys } from '../theme/tokens.js';

/** Height of one card slot in pixels; windowing relies on every card having it. */
export const cardHeight = 84;

export const pipelineBoardStyles = css`
  :host {
    --_accent: var(--crm-pipeline-board-accent, ${sys('color-primary')});
    container-type: inline-size;
  }
  .filters {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-m')};
    margin-block-end: ${sys('spacing-m')};
  }
  .filter {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
    min-inline-size: 11rem;
  }
  [part='message'] {
    margin: 0 0 ${sys('spacing-s')};
  }
  .columns {
    display: flex;
    gap: ${sys('spacing-m')};
    overflow-x: auto;
    padding-block-end: ${sys('spacing-s')};
  }
  .column {
    flex: none;
    inline-size: var(--crm-pipeline-board-column-width, 17rem);
    display: flex;
    flex-direction: column;
    background: var(--crm-pipeline-board-column-background, var(--_panel));
    border-radius: var(--_radius);
  }
  [part='column-header'] {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: ${sys('spacing-xs')} ${sys('spacing-s')};
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
  }
  h3 {
    margin: 0;
    font-size: 1em;
    flex: 1;
  }
  [part='total'] {
    flex-basis: 100%;
    font-variant-numeric: tabular-nums;
  }
  .scroller {
    position: relative;
    block-size: var(--crm-pipeline-board-height, 32rem);
    overflow-y: auto;
    contain: strict;
  }
  .cards {
    position: relative;
  }
  .slot {
    position: absolute;
    inset-inline: 0;
    top: 0;
    block-size: ${unsafeCSS(cardHeight)}px;
    padding: ${sys('spacing-xs')} ${sys('spacing-s')};
    contain: layout style;
  }
  [part='card'] {
    display: flex;
    flex-direction: column;
    gap: 2px;
    block-size: 100%;
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    overflow: hidden;
    background: var(--crm-pipeline-board-card-background, var(--_surface));
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
    cursor: grab;
  }
  [part='card'] strong,
  [part='card'] span {
    white-space: nowrap;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  [part='card'].grabbed {
    border: 2px solid var(--_accent);
    box-shadow: 0 4px 12px rgb(0 0 0 / 0.25);
  }
  [part='card'].dragging {
    opacity: 0.5;
  }
  [part='card-amount'] {
    font-variant-numeric: tabular-nums;
  }
  .drop {
    position: absolute;
    inset-inline: ${sys('spacing-s')};
    top: 0;
    block-size: 3px;
    background: var(--_accent);
    border-radius: 2px;
    pointer-events: none;
  }
  .tail {
    position: absolute;
    inset-inline: 0;
    top: 0;
    display: flex;
    align-items: center;
    gap: ${sys('spacing-s')};
    block-size: ${unsafeCSS(cardHeight)}px;
    margin: 0;
    padding-inline: ${sys('spacing-s')};
  }
  .tail .error {
    color: ${sys('color-error')};
  }
  .empty {
    text-align: center;
    padding: ${sys('spacing-l')};
  }
  .column.final {
    border: 1px dashed ${sys('color-outline')};
  }
  dialog {
    inline-size: min(32rem, calc(100vw - 2rem));
    max-block-size: calc(100dvh - 2rem);
    padding: ${sys('spacing-l')};
    color: ${sys('color-on-surface')};
    background: var(--_surface);
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
  }
  dialog.editor {
    inline-size: min(48rem, calc(100vw - 2rem));
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  dialog form {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-m')};
  }
  dialog h3 {
    flex: none;
    margin: 0;
    font-size: 1.1em;
  }
  .dialog-header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: ${sys('spacing-m')};
    margin-block-end: ${sys('spacing-m')};
  }
  .dialog-header h3 {
    flex: 1;
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  @container (max-width: 40rem) {
    .columns {
      flex-direction: column;
      overflow-x: visible;
    }
    .column {
      inline-size: auto;
    }
    .scroller {
      block-size: var(--crm-pipeline-board-stacked-height, 18rem);
    }
    .filter {
      flex: 1 1 100%;
      min-inline-size: 0;
    }
  }
`;
