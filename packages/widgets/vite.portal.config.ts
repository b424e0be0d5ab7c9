import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
import { widgetManifest } from './scripts/manifest.mjs';
import { minifyLitCss } from './scripts/minify-css.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * The customer portal (`crm-customer-portal.js` and its lazily loaded pages), built after the widgets
 * into the same dist/ as a build of its own: it carries its own Lit and SDK client, so what the portal
 * uses never grows the chunk the signup form and the campaign card share (their 15 KB budget), and the
 * whole portal stays within its own 40 KB. The loader imports it by name when the tag is on the page; the
 * manifest (crm-widgets.sri.json) gets its files added.
 */
export default defineConfig({
  base: './',
  plugins: [minifyLitCss(), widgetManifest({ version, css: fileURLToPath(new URL('./src/crm-widgets.css', import.meta.url)), merge: fileURLToPath(new URL('./dist/crm-widgets.sri.json', import.meta.url)) })],
  resolve: {
    alias: { '@crm/client-sdk/public': fileURLToPath(new URL('../client-sdk/src/public.ts', import.meta.url)) },
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    minify: true,
    sourcemap: 'hidden',
    modulePreload: false,
    rollupOptions: {
      input: { 'crm-customer-portal': fileURLToPath(new URL('./src/crm-customer-portal.ts', import.meta.url)) },
      preserveEntrySignatures: 'allow-extension',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        // The pages, fetched when first shown: crm-customer-portal-page-tickets-<hash>.js.
        chunkFileNames: 'crm-customer-portal-page-[name]-[hash].js',
      },
    },
  },
});
