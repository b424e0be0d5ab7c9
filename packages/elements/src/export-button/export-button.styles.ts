import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const exportButtonStyles = css`
  :host {
    display: inline-block;
    font-family: ${sys('font')};
  }
  form,
  .progress,
  .again {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: ${sys('spacing-s')};
  }
  form {
    align-items: end;
  }
  .progress,
  .again {
    margin: ${sys('spacing-xs')} 0 0;
  }
  select,
  button {
    min-block-size: ${sys('target-size')};
    max-inline-size: 100%;
  }
  button[aria-disabled='true'] {
    opacity: 0.6;
    cursor: progress;
  }
  progress {
    inline-size: 6rem;
    max-inline-size: 100%;
  }
  .error {
    color: var(--crm-export-button-error-color, ${sys('color-error')});
    margin: ${sys('spacing-xs')} 0 0;
  }
`;
