import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const taskListStyles = css`
  :host {
    --_accent: var(--crm-task-list-accent, ${sys('color-primary')});
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: ${sys('spacing-s')};
    margin-block-end: ${sys('spacing-m')};
  }
  .new-task {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-m')};
    padding: ${sys('spacing-m')};
    margin-block-end: ${sys('spacing-m')};
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
  }
  .new-task h3 {
    margin: 0;
  }
  .form-grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 14rem), 1fr));
    gap: ${sys('spacing-m')};
  }
  .form-grid .wide {
    grid-column: 1 / -1;
  }
  .matches {
    display: flex;
    flex-direction: column;
  }
  .what {
    min-inline-size: 0;
    overflow-wrap: anywhere;
  }
  [part='message'] {
    margin: 0 0 ${sys('spacing-s')};
  }
  h3 {
    font-size: 1em;
    margin: ${sys('spacing-m')} 0 ${sys('spacing-s')};
  }
  .group[data-group='overdue'] h3 {
    color: var(--crm-task-list-overdue-color, ${sys('color-error')});
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-s')};
  }
  .task {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${sys('spacing-s')} ${sys('spacing-m')};
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    background: var(--crm-task-list-background, var(--_panel));
    border-radius: var(--_radius);
  }
  .what {
    flex: 1;
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
    align-items: baseline;
  }
  .kind {
    font-size: 0.8em;
    text-transform: uppercase;
    letter-spacing: 0.04em;
    color: ${sys('color-on-surface-variant')};
  }
  .reschedule {
    flex-basis: 100%;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${sys('spacing-s')};
  }
  .field-error {
    color: ${sys('color-error')};
  }
`;
