import { css } from 'lit';

/** The lost-review admin's own rules on top of the shared afterlife styles. */
export const lostReviewAdminStyles = css`
  .badge {
    background: var(--crm-lost-review-admin-accent, var(--crm-afterlife-accent, var(--crm-sys-color-surface-container, #f3f4f8)));
  }
  .hint {
    margin: 0.25rem 0;
    font-size: 0.9em;
  }
`;
