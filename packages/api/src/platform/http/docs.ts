import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import { toOpenApi30 } from './openapi-30.js';

/** A body with its strong ETag and its gzip and brotli forms. */
interface Compressed {
  type: string;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * A body kept in memory with its strong ETag and its gzip and brotli forms, made at the first request
 * for it (compressed in zlib's thread pool, not on the event loop) and kept. Made at boot, the documents
 * and Swagger UI's bundle cost about 1.8 s of CPU on every start, test processes included, most of them
 * never asked for the docs.
 */
function compressedOnce(type: string, body: () => Buffer): () => Promise<Compressed> {
  let made: Promise<Compressed> | undefined;
  return () =>
    (made ??= (async () => {
      const identity = body();
      const [gz, br] = await Promise.all([
        gzipAsync(identity, { level: 9 }),
        brotliAsync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
      ]);
      return { type, etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 32)}"`, identity, gzip: gz, br };
    })().catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
}

/** Answers a kept body: 304 on a matching If-None-Match, else the smallest encoding the client accepts. */
function sendCompressed(req: Request, res: Response, body: Compressed, cacheControl: string): void {
  res.set({ ETag: body.etag, 'Cache-Control': cacheControl, Vary: 'Accept-Encoding' });
  if (req.get('If-None-Match')?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === body.etag)) {
    res.status(304).end();
    return;
  }
  const accepted = req.get('Accept-Encoding') ?? '';
  const [encoding, bytes] = /\bbr\b/.test(accepted) ? ['br', body.br] : /\bgzip\b/.test(accepted) ? ['gzip', body.gzip] : [undefined, body.identity];
  if (encoding) res.set('Content-Encoding', encoding);
  res.type(body.type).send(bytes);
}

// Swagger UI's prebuilt files, from the swagger-ui-dist package that swagger-ui-express brings.
const swaggerUiDist = dirname(createRequire(createRequire(import.meta.url).resolve('swagger-ui-express')).resolve('swagger-ui-dist/package.json'));
const swaggerUiVersion = (JSON.parse(readFileSync(join(swaggerUiDist, 'package.json'), 'utf8')) as { version: string }).version;

// Starts Swagger UI on the page; it reads the 3.0 spelling of the document (see openapi-30.ts), parsed
// with the native JSON.parse and handed over as an object rather than a URL Swagger UI would YAML-parse.
const initScript =
  "fetch(document.currentScript.dataset.spec).then((res) => res.json()).then((spec) => { window.ui = SwaggerUIBundle({ spec, dom_id: '#docs', docExpansion: 'none', defaultModelsExpandDepth: -1, deepLinking: true, filter: true, displayOperationId: true, tryItOutEnabled: false, syntaxHighlight: { activated: false } }); });\n";

/**
 * `/v1/openapi.json` and the interactive docs at `/docs` (Swagger UI). The document is built, serialized
 * and compressed at its first request (or by `warm()`, which the server calls once it listens), answered
 * with a strong ETag (`Cache-Control: no-cache`, so a reload costs a 304); the UI's files live under a
 * versioned path and are cached for a year (`immutable`). The page has no inline script, so the API's
 * Content-Security-Policy holds, and it starts with every tag folded and no models section. What made it
 * take seconds was Swagger UI's OpenAPI 3.1 path: the page reads the 3.0 spelling.
 */
export function openApiRoutes(buildDocument: () => Record<string, unknown>): { document: Router; docs: Router; warm: () => Promise<void> } {
  let document: Record<string, unknown> | undefined;
  const built = () => (document ??= buildDocument());
  const json = compressedOnce('application/json', () => Buffer.from(JSON.stringify(built())));
  const docsJson = compressedOnce('application/json', () => Buffer.from(JSON.stringify(toOpenApi30(built()))));
  // The page's own script is part of the versioned path, so a changed one is never served from a year-long cache.
  const assets = `/docs/assets/${swaggerUiVersion}-${createHash('sha256').update(initScript).digest('hex').slice(0, 8)}`;
  const files: Record<string, () => Promise<Compressed>> = {
    'swagger-ui-bundle.js': compressedOnce('application/javascript', () => readFileSync(join(swaggerUiDist, 'swagger-ui-bundle.js'))),
    'swagger-ui.css': compressedOnce('text/css', () => readFileSync(join(swaggerUiDist, 'swagger-ui.css'))),
    'init.js': compressedOnce('application/javascript', () => Buffer.from(initScript)),
  };
  const page = compressedOnce('text/html', () =>
    Buffer.from(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>CRM API docs</title>` +
        `<link rel="preload" href="${assets}/openapi-3.0.json" as="fetch" crossorigin="anonymous"><link rel="stylesheet" href="${assets}/swagger-ui.css"></head>` +
        `<body><div id="docs"></div><script src="${assets}/swagger-ui-bundle.js" defer></script><script src="${assets}/init.js" data-spec="${assets}/openapi-3.0.json" defer></script></body></html>`,
    ),
  );

  const documentRouter = Router();
  documentRouter.get('/v1/openapi.json', async (req, res) => sendCompressed(req, res, await json(), 'no-cache'));
  const docs = Router();
  docs.get(['/docs', '/docs/'], async (req, res) => sendCompressed(req, res, await page(), 'no-cache'));
  // Same path for every boot of one UI version, so the document is revalidated (no-cache), not kept a year.
  docs.get(`${assets}/openapi-3.0.json`, async (req, res) => sendCompressed(req, res, await docsJson(), 'no-cache'));
  docs.get(`${assets}/:file`, async (req, res, next) => {
    const file = files[String(req.params.file)];
    if (!file) return next();
    sendCompressed(req, res, await file(), 'public, max-age=31536000, immutable');
  });
  const warm = async () => {
    for (const body of [json, page, docsJson, ...Object.values(files)]) await body();
  };
  return { document: documentRouter, docs, warm };
}
