import { css } from 'lit';

/** The board's own tokens on top of the shared afterlife styles. */
export const leadRequestBoardStyles = css`
  .badge {
    background: var(--crm-lead-request-board-accent, var(--crm-afterlife-accent, var(--crm-sys-color-surface-container, #f3f4f8)));
  }
`;
