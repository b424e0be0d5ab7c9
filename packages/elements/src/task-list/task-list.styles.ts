import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const taskListStyles = css`
  :host {
    --_accent: var(--crm-task-list-accent, ${sys('color-primary')});
  }
  [part='scope'] {
    margin-block-end: ${sys('spacing-m')};
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
