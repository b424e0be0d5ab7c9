import { css } from 'lit';

/** The project list's own rules on top of the shared afterlife styles. */
export const projectListStyles = css`
  .badge {
    background: var(--crm-project-list-accent, var(--crm-afterlife-accent, var(--crm-sys-color-surface-container, #f3f4f8)));
  }
  summary {
    min-height: 44px;
    display: flex;
    align-items: center;
    cursor: pointer;
  }
  ul {
    margin: 0.25rem 0 0;
    padding-inline-start: 1.2rem;
  }
`;
