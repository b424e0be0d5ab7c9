import { css, unsafeCSS, type CSSResult } from 'lit';

/**
 * The global (system) tokens every element reads, with their light and dark values.
 * Names become `--crm-sys-<name>`; keep the two palettes' keys identical.
 */
export const lightTokens = {
  'color-primary': '#2f4fbf',
  'color-on-primary': '#ffffff',
  'color-surface': '#ffffff',
  'color-surface-container': '#f3f4f8',
  'color-on-surface': '#1b1c21',
  'color-on-surface-variant': '#4a4c57',
  'color-outline': '#767884',
  'color-error': '#b3261e',
  'color-on-error': '#ffffff',
  'radius': '6px',
  'font': 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  'font-size': '0.875rem',
  'line-height': '1.4',
  'spacing-xs': '0.25rem',
  'spacing-s': '0.5rem',
  'spacing-m': '0.75rem',
  'spacing-l': '1.25rem',
  /** The smallest a control people tap may be (44 px, WCAG 2.5.5 / Apple HIG). */
  'target-size': '2.75rem',
} as const;

/** Names of the system tokens, without the `--crm-sys-` prefix. */
export type CrmSysToken = keyof typeof lightTokens;

/** Dark values; sizes and fonts repeat the light ones so a dark host needs to set colours only. */
export const darkTokens: Record<CrmSysToken, string> = {
  ...lightTokens,
  'color-primary': '#a9bdff',
  'color-on-primary': '#0b1d57',
  'color-surface': '#1a1b21',
  'color-surface-container': '#25262e',
  'color-on-surface': '#e5e4ec',
  'color-on-surface-variant': '#c4c5d2',
  'color-outline': '#8e909c',
  'color-error': '#ffb4ab',
  'color-on-error': '#690005',
};

/**
 * `var(--crm-sys-<name>, <light value>)` for use inside element styles, so an element renders
 * sensibly even when no `<crm-provider>` (which declares the tokens) is above it.
 */
export function sys(name: CrmSysToken): CSSResult {
  return unsafeCSS(`var(--crm-sys-${name}, ${lightTokens[name]})`);
}

/** Declarations `--crm-sys-<name>: <value>;` for one palette. */
export function declareTokens(palette: Record<CrmSysToken, string>): CSSResult {
  const lines = Object.entries(palette).map(([name, value]) => `--crm-sys-${name}: ${value};`);
  return unsafeCSS(lines.join('\n'));
}

/** A visible keyboard focus ring shared by every interactive control. */
export const focusRing = css`
  outline: 2px solid ${sys('color-primary')};
  outline-offset: 2px;
`;
