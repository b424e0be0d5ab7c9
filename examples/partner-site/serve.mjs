#!/usr/bin/env node
// A tiny static server for the example partner site, on another origin than the API:
//   CRM_KEY=pk_live_... CRM_API=http://127.0.0.1:3000 node examples/partner-site/serve.mjs
// Pages get the key and the API address filled in, are served under a strict Content-Security-Policy,
// and load the widgets from /widgets/ (packages/widgets/dist).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../static-server.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The mounts: URL prefix → folder. */
function mounts(widgetsDir) {
  return [
    ['/widgets/', widgetsDir],
    ['/app/', join(here, 'dist')],
    ['/', join(here, 'pages')],
  ];
}

/**
 * The version and the SRI hashes of the loader and the stylesheet, from the manifest the widgets' build
 * writes (empty, which means no check, while they are not built).
 */
function integrities(widgetsDir) {
  let manifest = { version: '', files: {} };
  try {
    manifest = JSON.parse(readFileSync(join(widgetsDir, 'crm-widgets.sri.json'), 'utf8'));
  } catch {
    console.warn(`no ${join(widgetsDir, 'crm-widgets.sri.json')}: build the widgets first (npm run build -w @crm/widgets)`);
  }
  const files = manifest.files ?? {};
  return { CRM_WIDGETS_VERSION: manifest.version ?? '', CRM_LOADER_INTEGRITY: files['crm-widgets.js'] ?? '', CRM_CSS_INTEGRITY: files['crm-widgets.css'] ?? '', CRM_PORTAL_INTEGRITY: files['crm-customer-portal.js'] ?? '' };
}

/**
 * Starts the partner site. `csp: false` serves without the policy header (the hostile and baseline
 * pages in the tests keep it; it only matters that the policy is strict where we claim it).
 */
export async function startPartnerSite({ port = 0, host = '127.0.0.1', api, key, tenant = '', event = '', widgetsDir = join(here, '../../packages/widgets/dist'), csp = true, widgetsFromApi = false } = {}) {
  // widgetsFromApi: the pages may also load the widgets the API serves (hosted.html), as a partner who
  // does not self-host allows the CRM's origin for scripts and styles.
  const crm = widgetsFromApi ? ` ${new URL(api).origin}` : '';
  const policy = [
    "default-src 'none'",
    `script-src 'self'${crm}`,
    `style-src 'self'${crm}`,
    // The API's WebSocket origin too: the customer portal follows its tickets live (ws: for http:, wss: for https:).
    `connect-src ${new URL(api).origin} ${new URL(api).origin.replace(/^http/, 'ws')}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return serveStatic({ mounts: mounts(widgetsDir), fill: { CRM_KEY: key ?? '', CRM_API: api, CRM_TENANT: tenant, CRM_EVENT: event, ...integrities(widgetsDir) }, policy, csp, port, host });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = process.env.CRM_API ?? 'http://127.0.0.1:3000';
  const key = process.env.CRM_KEY;
  if (!key) console.warn('CRM_KEY is not set: pages will load without a publishable key (see examples/partner-site/README.md)');
  const site = await startPartnerSite({ port: Number(process.env.PORT ?? 5173), host: process.env.HOST ?? '127.0.0.1', api, key, tenant: process.env.CRM_TENANT ?? '', event: process.env.CRM_EVENT ?? '' });
  console.log(`partner site on ${site.url} (API ${api}); pages: /index.html /react.html /vue.html /hostile.html /support.html (customer portal; set CRM_TENANT to the agency slug) /event.html (event registration; set CRM_EVENT to an open event's id)`);
}
