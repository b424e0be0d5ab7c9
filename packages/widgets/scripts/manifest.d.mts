import type { Plugin } from 'vite';
/** `sha384-<base64>`: the Subresource Integrity value of a file's bytes. */
export function integrity(bytes: string | Uint8Array): string;
/** Adds crm-widgets.css and crm-widgets.sri.json (version + SRI hash of every file) to dist/. */
export function widgetManifest(options: { version: string; css: string }): Plugin;
