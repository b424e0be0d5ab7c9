import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const sendStatusStyles = css`
  :host {
    display: block;
  }
  h2 {
    margin: 0 0 ${sys('spacing-xs')};
    font-size: 1.2em;
  }
  .state {
    margin: 0 0 ${sys('spacing-s')};
  }
  [part='counts'] {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-xs')} ${sys('spacing-m')};
    list-style: none;
    margin: 0;
    padding: 0;
  }
  .uncertain-count {
    font-weight: 600;
  }
  [part='uncertain'] {
    margin-block-start: ${sys('spacing-m')};
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    border: 1px solid var(--crm-send-status-uncertain-border, ${sys('color-error')});
    border-radius: ${sys('radius')};
  }
  [part='uncertain'] p {
    margin: 0 0 ${sys('spacing-s')};
  }
`;
