#!/usr/bin/env node
// Bundles the React and Vue example apps from node_modules into dist/ (no CDN: this is what a partner's
// own build would do). Run by the widget tests; `node examples/partner-site/build.mjs` by hand.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Builds dist/react-app.js and dist/vue-app.js. */
export async function buildExamples() {
  await build({
    entryPoints: { 'react-app': `${here}src/react-app.js`, 'vue-app': `${here}src/vue-app.js` },
    outdir: `${here}dist`,
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildExamples();
