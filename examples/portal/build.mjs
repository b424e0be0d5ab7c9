#!/usr/bin/env node
// Builds the portal into dist/, a folder any static server (or the API at /app/) serves as it is: the
// pages and their stylesheet from pages/, and esbuild's bundles of the plain page's script
// (src/portal.js) and the React 19 app (src/react-app.jsx). `@crm/elements` and `@crm/client-sdk` are
// bundled from their TypeScript sources in this repository (so no package build comes first), Lit and
// React from node_modules: nothing comes from a CDN. socket.io-client (which the SDK loads only when the
// pipeline board subscribes to live changes) lands in its own chunk, loaded on demand.
// `npm start` runs this when dist/ is missing or older than anything it is made from (`portalIsStale`).
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const packages = fileURLToPath(new URL('../../packages/', import.meta.url));
const dist = join(here, 'dist');

/** The workspace packages the portal imports, by name → folder. */
const workspace = { '@crm/elements': join(packages, 'elements'), '@crm/client-sdk': join(packages, 'client-sdk') };

/** What the portal is made of: its own files and the sources of the packages it bundles. */
export const portalSources = [join(here, 'src'), join(here, 'pages'), fileURLToPath(import.meta.url), join(packages, 'elements', 'src'), join(packages, 'client-sdk', 'src')];

/**
 * Resolves `@crm/elements[/sub]` and `@crm/client-sdk[/sub]` through their package.json `exports` to the
 * TypeScript source the built file comes from (`./dist/x.js` → `./src/x.ts`), or the built file when
 * there is no such source.
 */
export const workspaceSources = {
  name: 'workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^@crm\/(elements|client-sdk)(\/.*)?$/ }, async (args) => {
      const [, name, sub = ''] = /^(@crm\/[^/]+)(\/.*)?$/.exec(args.path);
      const folder = workspace[name];
      const manifest = JSON.parse(await readFile(join(folder, 'package.json'), 'utf8'));
      const entry = manifest.exports?.[`.${sub}`];
      const target = typeof entry === 'string' ? entry : (entry?.import ?? entry?.default);
      if (!target) return { errors: [{ text: `${args.path} is not exported by ${name}` }] };
      const source = join(folder, target.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts'));
      return { path: existsSync(source) ? source : join(folder, target) };
    });
  },
};

/** The newest modification time (ms) of any file under `paths`. */
async function newest(paths) {
  let latest = 0;
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    if (info.isDirectory()) {
      for (const entry of await readdir(path, { withFileTypes: true })) {
        if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
        latest = Math.max(latest, await newest([join(path, entry.name)]));
      }
    } else latest = Math.max(latest, info.mtimeMs);
  }
  return latest;
}

/** True when dist/ is missing, or older than the portal's or the elements' or the SDK's sources. */
export async function portalIsStale() {
  const built = await stat(join(dist, 'index.html')).catch(() => null);
  return !built || (await newest(portalSources)) > built.mtimeMs;
}

/** Builds dist/: index.html, react.html, portal.css, portal.js, react-app.js and their chunks. */
export async function buildPortal({ minify = true } = {}) {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await build({
    entryPoints: { portal: join(here, 'src', 'portal.js'), 'react-app': join(here, 'src', 'react-app.jsx') },
    outdir: dist,
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
    plugins: [workspaceSources],
    logLevel: 'warning',
  });
  // The pages last: index.html's time is what `portalIsStale` compares.
  const pages = await readdir(join(here, 'pages'));
  for (const page of pages.filter((p) => !p.endsWith('.html'))) await copyFile(join(here, 'pages', page), join(dist, page));
  for (const page of pages.filter((p) => p.endsWith('.html'))) await copyFile(join(here, 'pages', page), join(dist, page));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildPortal();
  console.log('examples/portal/dist: index.html, react.html, portal.js, react-app.js');
}
