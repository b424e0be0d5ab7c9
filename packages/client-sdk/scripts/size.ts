// `npm run size`: bundles what a browser would load (esbuild, minified) and prints raw and gzip sizes.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));

const bundles = [
  { name: 'full client (@crm/client-sdk)', contents: `export * from './src/index.ts';` },
  { name: 'publishable-key client (@crm/client-sdk/public)', contents: `export * from './src/public.ts';` },
  {
    // Tree-shaking: a bundle that imports one resource class and the transport carries nothing else.
    name: 'one resource, tree-shaken (Contacts + Transport)',
    contents: `import { Contacts, Transport } from './src/index.ts'; export const contacts = new Contacts(new Transport({ baseUrl: '' }));`,
  },
  { name: 'socket.io-client (loaded on first realtime use)', contents: `export { io } from 'socket.io-client';`, bundleSocketIo: true },
];

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} kB`;

console.log('bundle'.padEnd(52), 'minified'.padStart(10), 'gzip'.padStart(10));
for (const bundle of bundles) {
  const result = await build({
    stdin: { contents: bundle.contents, resolveDir: packageRoot, loader: 'ts', sourcefile: 'size-entry.ts' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external: bundle.bundleSocketIo ? [] : ['socket.io-client'],
    logLevel: 'error',
  });
  const code = result.outputFiles[0]?.contents ?? new Uint8Array();
  console.log(bundle.name.padEnd(52), kb(code.byteLength).padStart(10), kb(gzipSync(code, { level: 9 }).byteLength).padStart(10));
}
