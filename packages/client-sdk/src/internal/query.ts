import { CrmError } from '../core/errors.js';

/** A value the API accepts in a query string: always a scalar (docs/http-contract.md, "Lists"). */
export type QueryValue = string | number | boolean | Date | null | undefined;

/** Query parameters of a call; `undefined` and `null` values are left out. */
export type QueryParams = Record<string, QueryValue>;

/** Serialises scalar query parameters; objects and arrays are refused here, as the API would refuse them. */
export function toSearchParams(query: object | undefined): URLSearchParams {
  const search = new URLSearchParams();
  if (!query) return search;
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (value === undefined || value === null) continue;
    if (value instanceof Date) search.append(key, value.toISOString());
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') search.append(key, String(value));
    else throw new CrmError(`Query parameter "${key}" must be a string, number, boolean or Date.`);
  }
  return search;
}
