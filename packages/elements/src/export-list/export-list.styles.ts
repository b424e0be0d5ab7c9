import { css } from 'lit';
import { sys } from '../theme/tokens.js';

/** The export list's own rules on top of the shared afterlife table styles. */
export const exportListStyles = css`
  .badge {
    background: var(--crm-export-list-accent, var(--crm-afterlife-accent, ${sys('color-surface-container')}));
  }
  .badge[data-status='failed'] {
    border-color: ${sys('color-error')};
  }
  .failure,
  .error {
    color: ${sys('color-error')};
    margin: 0.25rem 0 0;
  }
  .number {
    font-variant-numeric: tabular-nums;
  }
  tr[data-highlighted] {
    background: var(--crm-export-list-highlight, ${sys('color-surface-container')});
    outline: 2px solid ${sys('color-primary')};
    outline-offset: -2px;
  }
  button {
    min-block-size: ${sys('target-size')};
  }
  @media (max-width: 600px) {
    td[data-label]::before {
      content: attr(data-label) ': ';
      font-weight: 600;
    }
  }
`;
