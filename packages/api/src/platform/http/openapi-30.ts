/**
 * The document in the OpenAPI 3.0 dialect, for the docs page only. Swagger UI 5 reads a 3.1 document
 * through a much slower path (5.3 s against 0.9 s to interactive for this document, measured with
 * scripts/measure-docs.ts), so /docs gets the same operations and schemas spelled the 3.0 way;
 * /v1/openapi.json, the SDK and the linters keep the 3.1 document.
 */
export function toOpenApi30(document: Record<string, unknown>): Record<string, unknown> {
  // 3.0 has no webhooks, and wants a licence URL where 3.1 takes an SPDX identifier: left out of this view.
  const { webhooks: _webhooks, ...converted } = convert(document) as Record<string, unknown>;
  const { license: _license, ...info } = converted.info as Record<string, unknown>;
  return { ...converted, openapi: '3.0.3', info };
}

function convert(value: unknown, mapOfSchemas = false): unknown {
  if (Array.isArray(value)) return value.map((item) => convert(item));
  if (!value || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    // Under `properties` (and the like) keys are field names, never keywords.
    const childIsMap = !mapOfSchemas && (key === 'properties' || key === 'schemas' || key === 'patternProperties');
    out[key] = convert(item, childIsMap);
  }
  if (mapOfSchemas) return out;
  if (Array.isArray(out.type)) {
    const types = (out.type as string[]).filter((type) => type !== 'null');
    if (types.length < (out.type as string[]).length) out.nullable = true;
    if (types.length === 1) out.type = types[0];
    else {
      delete out.type;
      out.anyOf = types.map((type) => ({ type }));
    }
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = out[key] as Record<string, unknown>[] | undefined;
    if (!Array.isArray(options) || !options.some((option) => option?.type === 'null')) continue;
    const rest = options.filter((option) => option?.type !== 'null');
    delete out[key];
    if (rest.length === 1 && !('$ref' in rest[0]!)) Object.assign(out, rest[0]);
    else out[key] = rest;
    out.nullable = true;
  }
  if ('const' in out) {
    out.enum = [out.const];
    delete out.const;
  }
  if ('contentMediaType' in out) {
    delete out.contentMediaType;
    if (out.type === 'string') out.format = 'binary';
  }
  for (const [bound, plain] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    if (typeof out[bound] === 'number') {
      out[plain] = out[bound];
      out[bound] = true;
    }
  }
  if (Array.isArray(out.examples) && !('in' in out) && !('content' in out)) {
    out.example = (out.examples as unknown[])[0];
    delete out.examples;
  }
  return out;
}
