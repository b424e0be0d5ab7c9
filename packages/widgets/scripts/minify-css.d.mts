import type { Plugin } from 'vite';
/** Squeezes the CSS inside Lit's css`...` templates, and the white space of the widgets' html`...`, at build time. */
export function minifyLitCss(): Plugin;
