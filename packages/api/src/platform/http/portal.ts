// The internal portal (examples/portal, built into its dist/ folder) on the API's own port at /app/, so a
// newcomer's `npm start` gives one origin for the portal and the API (no CORS setting), and the links in
// invitation, password-reset and verification emails (APP_URL, `<base>/app` by default) open real pages.
// The API only serves the files: it imports nothing of the portal, and works without it.
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import express, { type Request, type Response, type Router } from 'express';
import { repoRoot } from '../paths.js';

/** Where `node examples/portal/build.mjs` writes the portal (pages, styles and bundles). */
export const defaultPortalDir = join(repoRoot, 'examples', 'portal', 'dist');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The pages' policy for `host` (as the browser asked for it): scripts and styles only from files of this
 * origin (nothing inline, nothing evaluated), requests and the realtime socket only to this origin,
 * pictures from here (contact pictures are API URLs) or a picked file's preview (`blob:`), framing only
 * by this origin.
 */
export function portalPolicy(host: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // 'self' covers the socket's ws(s): in CSP 3; named too for browsers before it. Both schemes, since
    // behind a TLS proxy this process may not know which one the browser used.
    `connect-src 'self' ws://${host} wss://${host}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** The one page `/app/` answers while the portal has not been built. */
function notBuiltPage(dir: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portal not built yet</title></head>
<body><main>
<h1>The portal is not built yet</h1>
<p><code>npm start</code> builds it on its first run. When the API was started on its own, build it once from the
repository's root folder, then reload this page:</p>
<pre><code>node examples/portal/build.mjs</code></pre>
<p>It is looked for in <code>${dir.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)}</code>. The API itself is ready: its docs are at <a href="../docs">/docs</a>.</p>
</main></body></html>
`;
}

/** The file under `dir` that `path` names, or null when it is outside `dir` or not a file. */
async function fileIn(dir: string, path: string): Promise<string | null> {
  const file = normalize(join(dir, path));
  if (!file.startsWith(normalize(dir + sep))) return null;
  try {
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}

/**
 * The page served at a nested path (`/app/exports/<id>`, a notification's link) asks for its files relative to
 * that path (`/app/exports/portal.js`, `/app/exports/chunks/…`): the same file under the portal's root, found by
 * dropping the path's leading segments one at a time.
 */
async function fileBelowPage(dir: string, path: string): Promise<string | null> {
  const segments = path.split('/').filter(Boolean);
  for (let i = 1; i < segments.length; i += 1) {
    const file = await fileIn(dir, `/${segments.slice(i).join('/')}`);
    if (file) return file;
  }
  return null;
}

/**
 * Serves the built portal under the mount point (`app.use('/app', portalRouter())`): files as they are,
 * HTML with `{{CRM_API}}` set to `same-origin`, and any path without an extension (`/app/reset-password`,
 * `/app/exports/<id>`) as the portal's page, which routes by path. Without a build, one page says how to make it.
 */
export function portalRouter(dir: string = defaultPortalDir): Router {
  const router = express.Router({ strict: true });
  const send = async (req: Request, res: Response, file: string) => {
    const type = types[extname(file)] ?? 'application/octet-stream';
    let body = await readFile(file);
    // The API is wherever the page came from: the page reads `same-origin` as its own location's origin
    // (right behind a TLS proxy too, where this process may see http).
    if (type.startsWith('text/html')) body = Buffer.from(body.toString('utf8').replaceAll('{{CRM_API}}', 'same-origin'));
    res.set({
      'Content-Type': type,
      'Content-Security-Policy': portalPolicy(req.get('host') ?? 'localhost'),
      // Pages are small and change with each build; bundles carry no hash in their names either.
      'Cache-Control': 'no-cache',
      'Referrer-Policy': 'no-referrer',
    });
    res.send(body);
  };

  router.get('/{*path}', async (req, res, next) => {
    const [pathname, query] = req.originalUrl.split(/(?=\?)/, 2) as [string, string | undefined];
    if (!pathname.endsWith('/') && req.path === '/') {
      // `/app` → `/app/`, so the pages' relative links resolve inside the mount.
      res.redirect(301, `${req.baseUrl}/${query ?? ''}`);
      return;
    }
    const index = await fileIn(dir, 'index.html');
    if (!index) {
      res.status(503).set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; base-uri 'none'; frame-ancestors 'none'" });
      res.send(notBuiltPage(dir));
      return;
    }
    const path = decodeURIComponent(req.path);
    if (path === '/' || !extname(path)) return send(req, res, index);
    const file = (await fileIn(dir, path)) ?? (await fileBelowPage(dir, path));
    if (file) return send(req, res, file);
    next();
  });
  return router;
}
