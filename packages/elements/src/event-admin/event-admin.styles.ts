import { css } from 'lit';

/** The event admin's own rules on top of the shared table and form styles. */
export const eventAdminStyles = css`
  .badge {
    background: var(--crm-event-admin-accent, var(--crm-afterlife-accent, var(--crm-sys-color-surface-container, #f3f4f8)));
  }
  h3:focus {
    outline: 2px solid var(--crm-sys-color-primary, #3451b2);
    outline-offset: 2px;
  }
  section {
    margin-block: 0.75rem;
  }
`;
