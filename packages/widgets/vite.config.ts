import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { readFileSync } from 'node:fs';
import { widgetManifest } from './scripts/manifest.mjs';
import { minifyLitCss } from './scripts/minify-css.mjs';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/**
 * One public file, `crm-widgets.js` (the loader), plus the widget chunk it imports. Lit and the SDK's
 * publishable-key client are bundled in (a partner page has neither). The SDK is taken from its public
 * entry's source, so a fresh clone builds without building the SDK first.
 */
export default defineConfig({
  base: './',
  plugins: [minifyLitCss(), widgetManifest({ version, css: fileURLToPath(new URL('./src/crm-widgets.css', import.meta.url)) })],
  resolve: {
    alias: { '@crm/client-sdk/public': fileURLToPath(new URL('../client-sdk/src/public.ts', import.meta.url)) },
  },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    minify: true,
    sourcemap: 'hidden',
    modulePreload: false,
    // An application build, not library mode: library mode leaves ES output's whitespace unminified.
    rollupOptions: {
      // A locale's messages are an entry of their own (crm-widgets-locale-de.js), fetched only for that locale.
      input: Object.fromEntries([
        ...['crm-widgets', 'crm-referral-signup', 'crm-campaign-card', 'crm-event-registration'].map((name) => [name, fileURLToPath(new URL(`./src/${name}.ts`, import.meta.url))]),
        ...['de', 'fr'].map((locale) => [`crm-widgets-locale-${locale}`, fileURLToPath(new URL(`./src/locales/${locale}.ts`, import.meta.url))]),
      ]),
      preserveEntrySignatures: 'allow-extension',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'crm-widgets-shared-[hash].js',
        // What both widgets use (Lit, the SDK client, src/shared) is one chunk of its own: left to itself the
        // bundler puts it inside crm-referral-signup.js, and a page with only a card downloads the signup form.
        codeSplitting: { groups: [{ name: 'crm-widgets-shared', test: /node_modules|client-sdk|[\\/]src[\\/]shared[\\/]/ }] },
      },
    },
  },
});
