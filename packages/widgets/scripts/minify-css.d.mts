import type { Plugin } from 'vite';
/** Squeezes the CSS inside Lit's css`...` templates at build time. */
export function minifyLitCss(): Plugin;
