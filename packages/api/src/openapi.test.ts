import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './platform/paths.js';
import { currentOpenApiDocument, serializeOpenApi } from './openapi-document.js';

describe('the committed OpenAPI document', () => {
  it('should match what the code produces (run `npm run openapi -w @crm/api` after changing a route)', () => {
    const committed = readFileSync(join(repoRoot, 'packages', 'api', 'openapi.json'), 'utf8');
    assert.equal(committed, serializeOpenApi(currentOpenApiDocument()));
  });

  it('should declare the access rule of every operation', () => {
    const doc = currentOpenApiDocument() as { paths: Record<string, Record<string, { 'x-access'?: string }>> };
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) assert.ok(op['x-access'], `${method.toUpperCase()} ${path} has no x-access`);
    }
  });
});
