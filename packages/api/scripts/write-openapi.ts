/** Writes packages/api/openapi.json from the code; the SDK generates its types from that file. */
import { writeFileSync } from 'node:fs';
import { currentOpenApiDocument, serializeOpenApi } from '../src/openapi-document.js';

const target = new URL('../openapi.json', import.meta.url);
writeFileSync(target, serializeOpenApi(currentOpenApiDocument()));
console.log(`wrote ${target.pathname}`);
process.exit(0);
