import { recordResources } from '../../platform/access/catalog.js';

/**
 * The event kinds a subscription may filter on: the record types, whose events carry the record and
 * are filtered by the owner's visibility, and invoices (issued, paid, overdue: invoice-events.ts).
 * Actions are the second part of the event type.
 */
export const webhookKinds: readonly string[] = [...recordResources, 'invoice'];

/** The actions record events are published with (platform/records and the domain services). */
export const webhookActions = ['created', 'updated', 'deleted', 'transitioned', 'moved', 'won', 'lost', 'issued', 'paid', 'overdue'] as const;

/** The test event `POST /webhooks/{id}/ping` sends; it carries no record. */
export const PING_EVENT = 'webhook.ping';

/** The kind and action of an event type (`opportunity.won` → opportunity, won). */
export function splitEventType(type: string): { kind: string; action: string } {
  const dot = type.indexOf('.');
  return dot < 0 ? { kind: type, action: '' } : { kind: type.slice(0, dot), action: type.slice(dot + 1) };
}

/** True when a subscription's filter takes the event type (no action listed means every action). */
export function wantsEvent(filter: { kinds: string[]; actions: string[] }, type: string): boolean {
  const { kind, action } = splitEventType(type);
  return filter.kinds.includes(kind) && (filter.actions.length === 0 || filter.actions.includes(action));
}
