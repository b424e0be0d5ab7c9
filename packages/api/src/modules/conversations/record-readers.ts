import type { Types } from 'mongoose';
import type { Resource } from '../../platform/access/catalog.js';
import type { Principal } from '../../platform/access/principal.js';
import type { ThreadRecordKind } from './conversation.model.js';

/**
 * How a record kind is read for a caller: its access resource, the record service's `get` (404 when hidden)
 * and, where the kind's service has it, `visibleIds`: the same decision for a page of records in one batch.
 */
export interface RecordReader {
  resource: Resource;
  get(principal: Principal, id: string): Promise<unknown>;
  visibleIds?(principal: Principal, ids: readonly Types.ObjectId[]): Promise<Set<string>>;
}
export type RecordReaders = Record<ThreadRecordKind, RecordReader>;
