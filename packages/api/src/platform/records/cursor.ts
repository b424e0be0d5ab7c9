import { AppError } from '../errors.js';

/** An opaque cursor: the sort value and id of the last record of a page. */
export interface CursorPosition {
  v: unknown;
  id: string;
}

export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPosition;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.id !== 'string' || !/^[a-f0-9]{24}$/.test(parsed.id)) throw new Error('shape');
    const v = parsed.v;
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) throw new Error('value');
    return parsed;
  } catch {
    throw AppError.invalidField('query.cursor', 'is not a cursor this API issued', 'invalid_cursor');
  }
}

/**
 * Where a walk over list rows stopped (see platform/lists): the order (`c` creation, `u` last write)
 * and direction it walks, the block and in-block key of the last row answered (every row of that
 * block before it was answered), and how many matches per block it saw so far (`r`), so the next
 * page widens its reads at once instead of learning the filter again.
 */
export interface RowCursor {
  o: 'c' | 'u';
  d: 1 | -1;
  b: number;
  s: string;
  r: number;
}

export function encodeRowCursor(position: RowCursor): string {
  return `r.${Buffer.from(JSON.stringify(position)).toString('base64url')}`;
}

/** The row cursor, or a 400 naming `query.cursor` when it is not one issued for this order. */
export function decodeRowCursor(cursor: string, order: 'c' | 'u', direction: 1 | -1): RowCursor {
  try {
    if (!cursor.startsWith('r.')) throw new Error('kind');
    const p = JSON.parse(Buffer.from(cursor.slice(2), 'base64url').toString('utf8')) as RowCursor;
    if (typeof p !== 'object' || p === null || p.o !== order || p.d !== direction) throw new Error('order');
    if (!Number.isInteger(p.b) || p.b < -1 || typeof p.s !== 'string' || p.s.length > 64 || typeof p.r !== 'number' || !(p.r >= 0)) throw new Error('shape');
    return p;
  } catch {
    throw AppError.invalidField('query.cursor', 'is not a cursor this API issued for this list and sort', 'invalid_cursor');
  }
}
