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
