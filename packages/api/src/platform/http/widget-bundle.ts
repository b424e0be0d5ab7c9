// The embeddable widgets' files (packages/widgets/dist) at a versioned, immutable URL on the API's own
// origin: /widgets/<version>/crm-widgets.js, its chunks, locales and crm-widgets.css. The version comes
// from the manifest the widgets' build writes beside them (crm-widgets.sri.json, which also holds each
// file's SRI hash), so the URL changes whenever the files can. The API imports nothing of the widgets and
// works without them: until they are built, /widgets/ answers a 503 problem that says how to build them.
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import compression from 'compression';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError } from '../errors.js';
import { repoRoot } from '../paths.js';

/** Where `npm run build -w @crm/widgets` writes the widgets. */
export const defaultWidgetsDir = join(repoRoot, 'packages', 'widgets', 'dist');

/** The manifest of a build: its version and the `sha384-...` integrity of every file. */
export interface WidgetManifest {
  version: string;
  files: Record<string, string>;
}

const types: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const YEAR_S = 365 * 24 * 3600;

/** Reads the manifest of the built widgets, or null while they are not built. */
export async function readWidgetManifest(dir: string = defaultWidgetsDir): Promise<WidgetManifest | null> {
  try {
    const manifest = JSON.parse(await readFile(join(dir, 'crm-widgets.sri.json'), 'utf8')) as WidgetManifest;
    return typeof manifest.version === 'string' && manifest.files && typeof manifest.files === 'object' ? manifest : null;
  } catch {
    return null;
  }
}

/**
 * Serves the widgets under `/widgets`: `/<version>/<file>` for a file of the current build's manifest
 * (a partner page loads them cross-origin as module scripts, so CORS is open: they are public files and
 * no credential rides along), compressed, cached for a year as immutable. Another version or an unknown
 * file is a 404 problem naming the current URL; no build yet is a 503 problem.
 */
export function widgetBundleRouter(dir: string = defaultWidgetsDir): Router {
  const router = express.Router();
  let manifest: WidgetManifest | null = null;
  router.use(compression({ threshold: 0 }));
  router.get('/:version/:file', async (req: Request, res: Response, next: NextFunction) => {
    // Read once; re-read while missing, so building the widgets after the API started is enough.
    manifest ??= await readWidgetManifest(dir);
    if (!manifest) throw new AppError('unavailable', `The widgets are not built: run "npm run build -w @crm/widgets"`);
    const { version, file } = req.params as { version: string; file: string };
    const current = `/widgets/${manifest.version}/crm-widgets.js`;
    if (version !== manifest.version) throw new AppError('not_found', `There is no widget version ${version}; the loader is at ${current}`);
    // Only the files of the manifest: never a source map, a dotfile or a path outside the folder.
    if (!Object.hasOwn(manifest.files, file) || !types[extname(file)]) throw new AppError('not_found', `There is no widget file ${file}; the loader is at ${current}`);
    let body: Buffer;
    try {
      body = await readFile(join(dir, file));
    } catch {
      manifest = null;
      return next(new AppError('unavailable', `The widget file ${file} is missing: rebuild with "npm run build -w @crm/widgets"`));
    }
    res
      .status(200)
      .set({
        'Content-Type': types[extname(file)],
        'Cache-Control': `public, max-age=${YEAR_S}, immutable`,
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        ETag: `"${manifest.files[file]}"`,
      })
      .send(body);
  });
  return router;
}
