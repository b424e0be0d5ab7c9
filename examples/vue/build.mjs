#!/usr/bin/env node
// Builds the Vue 3 host into dist/ (index.html, vue.css, main.js): esbuild bundles src/main.js, compiling
// App.vue's template ahead of time with @vue/compiler-sfc, where `isCustomElement` tells Vue that every
// `crm-*` tag is a custom element (not a Vue component to resolve). The page then needs only Vue's
// runtime, which evaluates nothing, so it runs under `script-src 'self'`. The elements and the SDK come
// from this repository's sources (as for examples/portal), Vue from node_modules.
import { build } from 'esbuild';
import { compileScript, parse } from '@vue/compiler-sfc';
import { copyFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceSources } from '../portal/build.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, 'dist');

/** The compiler option a Vue host needs for web components: these tags are custom elements. */
export const isCustomElement = (tag) => tag.startsWith('crm-');

/** Compiles `<script setup>` + `<template>` single-file components (no `<style>`: the CSP allows none inline). */
const vueFiles = {
  name: 'vue-sfc',
  setup(b) {
    b.onLoad({ filter: /\.vue$/ }, async (args) => {
      const { descriptor, errors } = parse(await readFile(args.path, 'utf8'), { filename: args.path });
      if (errors.length) return { errors: errors.map((error) => ({ text: String(error.message ?? error) })) };
      if (descriptor.styles.length) return { errors: [{ text: `${args.path}: put styles in a stylesheet; the page's CSP refuses inline styles` }] };
      const script = compileScript(descriptor, {
        id: args.path,
        inlineTemplate: true,
        templateOptions: { compilerOptions: { isCustomElement } },
      });
      return { contents: script.content, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

/** Builds dist/. */
export async function buildVueHost({ minify = true } = {}) {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await build({
    entryPoints: { main: join(here, 'src', 'main.js') },
    outdir: dist,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify,
    sourcemap: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'false',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
    plugins: [workspaceSources, vueFiles],
    logLevel: 'warning',
  });
  for (const page of await readdir(join(here, 'pages'))) await copyFile(join(here, 'pages', page), join(dist, page));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildVueHost();
  console.log('examples/vue/dist: index.html, vue.css, main.js');
}
