import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const ticketListStyles = css`
  :host {
    --_accent: var(--crm-ticket-list-accent, ${sys('color-primary')});
    --_panel: var(--crm-ticket-list-background, ${sys('color-surface-container')});
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: ${sys('spacing-m')};
    margin-block-end: ${sys('spacing-m')};
  }
  .toolbar label {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-xs')};
  }
  .toolbar label.check {
    flex-direction: row;
    align-items: center;
    min-block-size: ${sys('target-size')};
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-s')};
  }
  .ticket {
    display: grid;
    grid-template-columns: auto 1fr auto;
    gap: ${sys('spacing-xs')} ${sys('spacing-m')};
    align-items: center;
    inline-size: 100%;
    text-align: start;
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    background: var(--_panel);
    color: inherit;
    border: 1px solid ${sys('color-outline')};
    border-radius: var(--_radius);
    font: inherit;
    cursor: pointer;
  }
  .subject {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .meta {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
  }
  .priority-urgent,
  .priority-high {
    color: ${sys('color-error')};
    font-weight: 600;
  }
  @media (max-width: 480px) {
    .ticket {
      grid-template-columns: 1fr;
    }
  }
`;
