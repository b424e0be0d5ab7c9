import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import { toOpenApi30 } from './openapi-30.js';

/** A body kept in memory with its strong ETag and its gzip and brotli forms, compressed once at boot. */
interface Compressed {
  type: string;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

function compressedOnce(type: string, body: Buffer): Compressed {
  return {
    type,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`,
    identity: body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
  };
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
 * `/v1/openapi.json` and the interactive docs at `/docs` (Swagger UI). The document is serialized and
 * compressed once, answered with a strong ETag (`Cache-Control: no-cache`, so a reload costs a 304); the
 * UI's files live under a versioned path and are cached for a year (`immutable`). The page has no inline
 * script, so the API's Content-Security-Policy holds, and it starts with every tag folded and no models
 * section. What made it take seconds was Swagger UI's OpenAPI 3.1 path: the page reads the 3.0 spelling.
 */
export function openApiRoutes(document: Record<string, unknown>): { document: Router; docs: Router } {
  const json = compressedOnce('application/json', Buffer.from(JSON.stringify(document)));
  const docsJson = compressedOnce('application/json', Buffer.from(JSON.stringify(toOpenApi30(document))));
  // The page's own script is part of the versioned path, so a changed one is never served from a year-long cache.
  const assets = `/docs/assets/${swaggerUiVersion}-${createHash('sha256').update(initScript).digest('hex').slice(0, 8)}`;
  const files: Record<string, Compressed> = {
    'swagger-ui-bundle.js': compressedOnce('application/javascript', readFileSync(join(swaggerUiDist, 'swagger-ui-bundle.js'))),
    'swagger-ui.css': compressedOnce('text/css', readFileSync(join(swaggerUiDist, 'swagger-ui.css'))),
    'init.js': compressedOnce('application/javascript', Buffer.from(initScript)),
  };
  const page = compressedOnce(
    'text/html',
    Buffer.from(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>CRM API docs</title>` +
        `<link rel="preload" href="${assets}/openapi-3.0.json" as="fetch" crossorigin="anonymous"><link rel="stylesheet" href="${assets}/swagger-ui.css"></head>` +
        `<body><div id="docs"></div><script src="${assets}/swagger-ui-bundle.js" defer></script><script src="${assets}/init.js" data-spec="${assets}/openapi-3.0.json" defer></script></body></html>`,
    ),
  );

  const documentRouter = Router();
  documentRouter.get('/v1/openapi.json', (req, res) => sendCompressed(req, res, json, 'no-cache'));
  const docs = Router();
  docs.get(['/docs', '/docs/'], (req, res) => sendCompressed(req, res, page, 'no-cache'));
  // Same path for every boot of one UI version, so the document is revalidated (no-cache), not kept a year.
  docs.get(`${assets}/openapi-3.0.json`, (req, res) => sendCompressed(req, res, docsJson, 'no-cache'));
  docs.get(`${assets}/:file`, (req, res, next) => {
    const file = files[String(req.params.file)];
    if (!file) return next();
    sendCompressed(req, res, file, 'public, max-age=31536000, immutable');
  });
  return { document: documentRouter, docs };
}
