// The static server both examples use: a partner's site (examples/partner-site) and an internal portal
// (examples/portal) are each served from their own origin, apart from the API, under a strict
// Content-Security-Policy, with placeholders such as {{CRM_API}} filled into their pages.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.svg': 'image/svg+xml' };

/**
 * Serves `mounts` (URL prefix → folder, first match wins; nothing outside a folder is ever read).
 * `fill` maps each placeholder to its value in HTML pages; `policy` goes out as the CSP header unless
 * `csp` is false; `fallback` (a page such as `/index.html`) answers paths without an extension, for an
 * app that routes by path (the portal's email-link pages). Resolves to `{ url, policy, close() }`.
 */
export async function serveStatic({ mounts, fill = {}, policy, csp = true, port = 0, host = '127.0.0.1', fallback }) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://x');
      let pathname = decodeURIComponent(url.pathname);
      if (pathname === '/') pathname = '/index.html';
      else if (fallback && !extname(pathname)) pathname = fallback;
      if (pathname === '/favicon.ico') return void res.writeHead(204).end();
      const [prefix, dir] = mounts.find(([p]) => pathname.startsWith(p));
      const file = normalize(join(dir, pathname.slice(prefix.length)));
      if (!file.startsWith(normalize(dir) + sep) || !(await stat(file)).isFile()) throw new Error('not found');
      let body = await readFile(file);
      const type = types[extname(file)] ?? 'application/octet-stream';
      if (type.startsWith('text/html')) {
        let html = body.toString('utf8');
        for (const [name, value] of Object.entries(fill)) html = html.replaceAll(`{{${name}}}`, value);
        body = Buffer.from(html);
      }
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', ...(csp ? { 'Content-Security-Policy': policy } : {}) });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    policy,
    // closeAllConnections: a browser still holding a keep-alive connection would otherwise hold close() open.
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
      }),
  };
}
