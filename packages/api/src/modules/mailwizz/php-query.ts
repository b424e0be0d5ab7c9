/**
 * PHP's `http_build_query` (RFC 1738 encoding, nested keys as `a[b]`), which Mailwizz 1.x uses for form
 * bodies and for the string its request signature is computed over: both sides must encode alike.
 */
export type FormValue = string | number | boolean | null | undefined | FormFields;
export interface FormFields {
  [key: string]: FormValue;
}

/** PHP's `urlencode`: everything but letters, digits and `-_.` percent-encoded, spaces as `+`. */
export function phpUrlencode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** `http_build_query($fields, '', '&')`: null and undefined are left out, booleans become 1 and 0. */
export function httpBuildQuery(fields: FormFields, prefix?: string): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(fields)) {
    if (value === null || value === undefined) continue;
    const name = prefix ? `${prefix}[${key}]` : key;
    if (typeof value === 'object') {
      const nested = httpBuildQuery(value, name);
      if (nested) parts.push(nested);
    } else {
      const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
      parts.push(`${phpUrlencode(name)}=${phpUrlencode(text)}`);
    }
  }
  return parts.join('&');
}

/** The fields with their top-level keys in byte order (`ksort($params, SORT_STRING)`). */
export function sortedByKey<T extends Record<string, unknown>>(fields: T): T {
  return Object.fromEntries(Object.keys(fields).sort().map((k) => [k, fields[k]])) as T;
}
