import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const exportButtonStyles = css`
  :host {
    display: inline-block;
    font-family: ${sys('font')};
  }
  form {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: ${sys('spacing-s')};
  }
  select,
  button {
    min-block-size: ${sys('target-size')};
    max-inline-size: 100%;
  }
  .error {
    color: var(--crm-export-button-error-color, ${sys('color-error')});
    margin: ${sys('spacing-xs')} 0 0;
  }
`;
