#!/usr/bin/env node
// A tiny static server for the example partner site, on another origin than the API:
//   CRM_KEY=pk_live_... CRM_API=http://127.0.0.1:3000 node examples/partner-site/serve.mjs
// Pages get the key and the API address filled in, are served under a strict Content-Security-Policy,
// and load the widgets from /widgets/ (packages/widgets/dist).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.svg': 'image/svg+xml' };

/** The mounts: URL prefix → folder. */
function mounts(widgetsDir) {
  return [
    ['/widgets/', widgetsDir],
    ['/app/', join(here, 'dist')],
    ['/', join(here, 'pages')],
  ];
}

/**
 * Starts the partner site. `csp: false` serves without the policy header (the hostile and baseline
 * pages in the tests keep it; it only matters that the policy is strict where we claim it).
 */
export async function startPartnerSite({ port = 0, host = '127.0.0.1', api, key, widgetsDir = join(here, '../../packages/widgets/dist'), csp = true } = {}) {
  const policy = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src ${new URL(api).origin}`,
    "img-src 'self' data:",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      let pathname = decodeURIComponent(url.pathname);
      if (pathname === '/') pathname = '/index.html';
      if (pathname === '/favicon.ico') return void res.writeHead(204).end();
      const [prefix, dir] = mounts(widgetsDir).find(([p]) => pathname.startsWith(p));
      const file = normalize(join(dir, pathname.slice(prefix.length)));
      if (!file.startsWith(normalize(dir) + sep) || !(await stat(file)).isFile()) throw new Error('not found');
      let body = await readFile(file);
      const type = types[extname(file)] ?? 'application/octet-stream';
      if (type.startsWith('text/html')) body = Buffer.from(body.toString('utf8').replaceAll('{{CRM_KEY}}', key ?? '').replaceAll('{{CRM_API}}', api));
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...(csp ? { 'Content-Security-Policy': policy } : {}) });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return { url: `http://${host}:${address.port}`, policy, close: () => new Promise((resolve) => server.close(resolve)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const api = process.env.CRM_API ?? 'http://127.0.0.1:3000';
  const key = process.env.CRM_KEY;
  if (!key) console.warn('CRM_KEY is not set: pages will load without a publishable key (see examples/partner-site/README.md)');
  const site = await startPartnerSite({ port: Number(process.env.PORT ?? 5173), host: process.env.HOST ?? '127.0.0.1', api, key });
  console.log(`partner site on ${site.url} (API ${api}); pages: /index.html /react.html /vue.html /hostile.html`);
}
