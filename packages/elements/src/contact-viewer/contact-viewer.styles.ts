import { css } from 'lit';
import { sys } from '../theme/tokens.js';

export const contactViewerStyles = css`
  :host {
    --_accent: var(--crm-contact-viewer-accent, ${sys('color-primary')});
  }
  [part='card'] {
    display: flex;
    flex-direction: column;
    gap: ${sys('spacing-m')};
    padding: ${sys('spacing-l')};
    background: var(--crm-contact-viewer-background, ${sys('color-surface-container')});
    border-radius: var(--_radius);
  }
  header {
    display: flex;
    gap: ${sys('spacing-m')};
    align-items: center;
  }
  header > div {
    flex: 1;
  }
  h2,
  h3 {
    margin: 0;
  }
  h3 {
    margin-block: ${sys('spacing-l')} ${sys('spacing-s')};
    font-size: 1em;
  }
  header p {
    margin: 0;
  }
  [part='avatar'] {
    inline-size: var(--crm-contact-viewer-avatar-size, 4rem);
    block-size: var(--crm-contact-viewer-avatar-size, 4rem);
    border-radius: 50%;
    object-fit: cover;
    display: grid;
    place-items: center;
    font-weight: 700;
    font-size: 1.25em;
    color: var(--_on-accent);
    background: var(--_accent);
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: ${sys('spacing-xs')} ${sys('spacing-m')};
    margin: 0;
  }
  dt {
    font-weight: 600;
  }
  dd {
    margin: 0;
  }
  [part='timeline'] {
    list-style: none;
    margin: 0;
    padding: 0;
    border-inline-start: 2px solid ${sys('color-outline')};
  }
  [part='timeline-entry'] {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-s')};
    padding: ${sys('spacing-xs')} ${sys('spacing-m')};
  }
  time {
    color: ${sys('color-on-surface-variant')};
    font-variant-numeric: tabular-nums;
  }
  dd a {
    display: inline-flex;
    align-items: center;
    min-block-size: ${sys('target-size')};
    min-inline-size: ${sys('target-size')};
    overflow-wrap: anywhere;
  }
  [part='campaigns'] {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: ${sys('spacing-s')};
  }
  [part='campaign'] {
    padding: ${sys('spacing-s')} ${sys('spacing-m')};
    border: 1px solid ${sys('color-outline')};
    border-radius: ${sys('radius')};
  }
  .campaign-head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: ${sys('spacing-xs')} ${sys('spacing-s')};
    overflow-wrap: anywhere;
  }
  [part='campaign'] .facts {
    display: flex;
    flex-wrap: wrap;
    gap: ${sys('spacing-xs')} ${sys('spacing-m')};
    margin: ${sys('spacing-xs')} 0 0;
  }
  .facts > div {
    display: flex;
    gap: ${sys('spacing-xs')};
  }
  .facts dt {
    font-weight: 400;
    color: ${sys('color-on-surface-variant')};
  }
  .facts dt::after {
    content: ':';
  }
`;
