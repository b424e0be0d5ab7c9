import type { Connection, Types } from 'mongoose';
import { countWrite } from '../../platform/counts/record-counts.js';
import type { EventBus } from '../../platform/events.js';
import { removeListRow, syncListRow } from '../../platform/lists/list-rows.js';
import type { RecordBase, RecordDefinition } from '../../platform/records/record-service.js';
import { removeRecordSearch, syncRecordSearch } from '../../platform/search/search-index.js';
import { activityDefinition } from '../activities/activities.service.js';
import { contactDefinition } from '../contacts/contacts.service.js';
import { leadDefinition } from '../leads/lead.definition.js';
import { ticketDefinition } from '../support/ticket.definition.js';
import { taskDefinition } from '../tasks/tasks.service.js';

/** The record kinds erasure deletes or rewrites, each with what its service keeps beside it. */
export function privacyRecordKinds(connection: Connection) {
  return {
    contact: contactDefinition(connection),
    lead: leadDefinition(connection),
    activity: activityDefinition(connection),
    task: taskDefinition(connection),
    ticket: ticketDefinition(connection),
  };
}
export type PrivacyRecordKinds = ReturnType<typeof privacyRecordKinds>;

type AnyDef = RecordDefinition<RecordBase>;
/** Records deleted at once (each is a handful of small writes and one event). */
const DELETE_PARALLEL = 16;

/**
 * Deletes records as the record service's remove does (search entries, list row, counters), then one
 * `<resource>.deleted` event each, with no record (as every delete), so roll-ups decrement and
 * subscribers (realtime, webhooks) learn of the removal without being handed the person's values again.
 */
export async function deleteRecords(connection: Connection, events: EventBus, def: AnyDef, tenantId: Types.ObjectId, docs: ReadonlyArray<Record<string, unknown> & { _id: Types.ObjectId }>, actor: { userId: Types.ObjectId | null }, requestId: Types.ObjectId): Promise<number> {
  const one = async (doc: (typeof docs)[number]): Promise<number> => {
    const { deletedCount } = await def.model.deleteOne({ tenantId, _id: doc._id } as never);
    await Promise.all([
      removeRecordSearch(connection, tenantId, doc._id),
      def.listRows ? removeListRow(connection, tenantId, doc._id, def.resource) : null,
      deletedCount ? countWrite(connection, def, doc as never, null, 'del') : null,
    ]);
    if (!deletedCount) return 0;
    await events.publish({ type: `${def.resource}.deleted`, tenantId, resource: def.resource, resourceId: String(doc._id), actor: { tenantId, userId: actor.userId, apiKeyId: null }, data: { privacyRequestId: String(requestId) } });
    return 1;
  };
  // A few at a time: a person with thousands of activities is erased in bounded rounds, each record as its service removes it.
  let removed = 0;
  for (let i = 0; i < docs.length; i += DELETE_PARALLEL) removed += (await Promise.all(docs.slice(i, i + DELETE_PARALLEL).map(one))).reduce((a, b) => a + b, 0);
  return removed;
}

/** Brings a rewritten record's search entries and list row up to date (the values scrubbed from it). */
export async function resyncRecord(connection: Connection, def: AnyDef, tenantId: Types.ObjectId, id: Types.ObjectId): Promise<void> {
  await Promise.all([syncRecordSearch(connection, def, tenantId, id), def.listRows ? syncListRow(connection, def, tenantId, id) : null]);
}
