import { CrmError } from './errors.js';

// RFC 3986 pchar: unreserved, sub-delims, ':' and '@' may stay as they are; everything else is escaped.
const unsafeInSegment = /[^A-Za-z0-9\-._~!$&'()*+,;=:@]+/g;
const dotSegment = /(?:^|\/)(?:\.|%2e){1,2}(?=\/|$)/i;

function encodeSegment(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new CrmError(`A path parameter must be a string or a number, got ${value === null ? 'null' : typeof value}.`);
  }
  const text = String(value);
  if (text === '') throw new CrmError('A path parameter must not be empty.');
  // '/' is outside the allowed set, so one parameter can never become two segments.
  return text.replace(unsafeInSegment, encodeURIComponent);
}

/**
 * The one way the SDK builds a request path: a template tag that percent-encodes every interpolated value
 * as a single path segment and refuses `.`/`..` segments, so an id can never walk to another route.
 *
 * @example path`/v1/contacts/${id}/transitions`
 */
export function path(statics: TemplateStringsArray, ...params: unknown[]): string {
  let built = statics[0] ?? '';
  params.forEach((param, index) => {
    built += encodeSegment(param) + (statics[index + 1] ?? '');
  });
  if (dotSegment.test(built)) {
    throw new CrmError(`The path ${JSON.stringify(built)} has a "." or ".." segment.`);
  }
  return built;
}
