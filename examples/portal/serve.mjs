#!/usr/bin/env node
// A tiny static server for the example internal portal, on another origin than the API:
//   CRM_API=http://127.0.0.1:3000 node examples/portal/serve.mjs
// It serves dist/ (what `build.mjs` writes: the pages, their stylesheet and bundles); pages get the API
// address filled in and are served under a strict Content-Security-Policy. The pages link their files
// relatively (`portal.js`), so dist/ also works from any static server, such as the elements' test
// runner, and from the API itself at /app/ (same origin, the way `npm start` serves it).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '../static-server.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The mounts: URL prefix → folder. */
const mounts = [['/', join(here, 'dist')]];

/**
 * The header policy: nothing inline, nothing evaluated, and the API (HTTP and its realtime socket)
 * as the only place to connect to. Contact pictures may be `data:` URLs or images on the API.
 */
export function portalPolicy(api) {
  const origin = new URL(api);
  const ws = `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}`;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${origin.origin} ${ws}`,
    `img-src 'self' data: blob: ${origin.origin}`,
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Starts the portal; resolves to `{ url, policy, close() }`. */
export async function startPortal({ port = 0, host = '127.0.0.1', api = 'http://127.0.0.1:3000', csp = true } = {}) {
  // Paths without an extension (/reset-password?token=...) are the portal's page, which routes by path.
  return serveStatic({ mounts, fill: { CRM_API: api }, policy: portalPolicy(api), csp, port, host, fallback: '/index.html' });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = process.env.CRM_API ?? 'http://127.0.0.1:3000';
  const portal = await startPortal({ port: Number(process.env.PORT ?? 5174), host: process.env.HOST ?? '127.0.0.1', api });
  console.log(`portal on ${portal.url} (API ${api}); pages: /index.html /react.html`);
  console.log(`the API must allow this origin: start it with CORS_ORIGINS=${portal.url}`);
}
