#!/usr/bin/env node
// Bundles the portal's two host apps into dist/ with esbuild, as a host's own build would: the plain
// page's script (src/portal.js) and the React 19 app (src/react-app.jsx). `@crm/elements` resolves to
// its built package (packages/elements/dist), `@crm/client-sdk` to packages/client-sdk/dist, Lit and
// React to node_modules: nothing comes from a CDN. socket.io-client (which the SDK loads only when the
// pipeline board subscribes to live changes) lands in its own chunk, loaded on demand.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

/** Builds dist/portal.js and dist/react-app.js (plus shared chunks). */
export async function buildPortal({ minify = true } = {}) {
  for (const [file, how] of [
    ['elements/dist/index.js', 'npm run build -w @crm/elements'],
    ['client-sdk/dist/index.js', 'npm run build -w @crm/client-sdk'],
  ]) {
    if (!existsSync(packages + file)) throw new Error(`examples/portal needs packages/${file}: run \`${how}\` first`);
  }
  await build({
    entryPoints: { portal: `${here}src/portal.js`, 'react-app': `${here}src/react-app.jsx` },
    outdir: `${here}dist`,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify,
    sourcemap: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    // socket.io-client's engine.io picks its browser transport under the `browser` condition.
    platform: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildPortal();
  console.log('examples/portal/dist: portal.js, react-app.js');
}
