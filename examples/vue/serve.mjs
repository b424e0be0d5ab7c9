#!/usr/bin/env node
// Serves the Vue 3 host (dist/, from build.mjs) on its own origin under the portal's strict CSP:
//   CRM_API=http://127.0.0.1:3000 node examples/vue/serve.mjs
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../static-server.mjs';
import { portalPolicy } from '../portal/serve.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Starts the Vue host; resolves to `{ url, policy, close() }`. */
export async function startVueHost({ port = 0, host = '127.0.0.1', api = 'http://127.0.0.1:3000', csp = true } = {}) {
  return serveStatic({ mounts: [['/', join(here, 'dist')]], fill: { CRM_API: api }, policy: portalPolicy(api), csp, port, host });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = process.env.CRM_API ?? 'http://127.0.0.1:3000';
  const site = await startVueHost({ port: Number(process.env.PORT ?? 5175), host: process.env.HOST ?? '127.0.0.1', api });
  console.log(`Vue host on ${site.url} (API ${api})`);
  console.log(`the API must allow this origin: start it with CORS_ORIGINS=${site.url}`);
}
