// Conversations in memory, for <crm-messages>' stories: `crm.conversations` of the real SDK over a
// `fetch` that answers its routes (each handler typed by its operation, so it cannot drift from the
// OpenAPI document). Who may read what is the API's rule, tested there.
import { Conversations, Transport, type Conversation, type ConversationMessage, type FetchLike } from '@crm/client-sdk';
import type { CrmDataClient } from '../shared/api/transport.js';
import { createMemoryApi } from './memory-api.js';
import { route, type Handler } from './memory-route.js';

const hex = (n: number) => n.toString(16).padStart(24, '0');
const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
/** The signed-in user of the stories (story-provider's demo user). */
const me = { id: hex(1), name: 'Ada Admin', email: 'ada@example.com' };
const people = [me, { id: hex(2), name: 'Ben Brandt', email: 'ben@example.test' }, { id: hex(3), name: 'Cleo Cruz', email: 'cleo@example.test' }];

function conversation(n: number, extra: Partial<Conversation>): Conversation {
  return { id: hex(0x8000 + n), kind: 'direct', recordKind: null, recordId: null, participantIds: [], participants: [], title: '', messageCount: 0, unreadCount: 0, lastMessageAt: null, lastMessagePreview: '', createdAt: at(3000), ...extra };
}

function message(n: number, conversationId: string, author: { id: string; name: string }, body: string, minutesAgo: number): ConversationMessage {
  return { id: hex(0x9000 + n), conversationId, authorId: author.id, authorName: author.name, body, mentionIds: [], attachments: [], createdAt: at(minutesAgo), editedAt: null, deletedAt: null };
}

/** A lead's thread, a 1:1 and a group, with a few messages, one of them unread. */
export function createMemoryConversations(options: { empty?: boolean } = {}) {
  const thread = conversation(1, { kind: 'record', recordKind: 'lead', recordId: hex(0x7001), title: 'Berg Robotics', messageCount: 2, lastMessageAt: at(50), lastMessagePreview: 'Budget approved' });
  const direct = conversation(2, { participantIds: [me.id, people[1]!.id], participants: [me, people[1]!].map(({ id, name }) => ({ id, name })), title: 'Ben Brandt', messageCount: 1, unreadCount: 1, lastMessageAt: at(5), lastMessagePreview: 'Can you call them today?' });
  const group = conversation(3, { participantIds: people.map((p) => p.id), participants: people.map(({ id, name }) => ({ id, name })), title: 'Expo stand', messageCount: 0, lastMessageAt: null });
  let conversations = options.empty ? [] : [direct, thread, group];
  let messages: ConversationMessage[] = options.empty
    ? []
    : [
        message(1, thread.id, people[1]!, 'Met Linnea at the fair: <b>very</b> interested.', 120),
        { ...message(4, thread.id, people[2]!, '', 90), deletedAt: at(80) },
        { ...message(2, thread.id, me, 'Budget approved', 50), editedAt: at(45) },
        message(3, direct.id, people[1]!, '@Ada Admin can you call them today?', 5),
      ];
  let serial = 10;
  const routes: Array<[string, RegExp, Handler]> = [
    route('GET', /^\/v1\/conversations$/, 'listConversations', () => ({ object: 'list' as const, data: conversations, hasMore: false, nextCursor: null, unreadCount: conversations.reduce((s, c) => s + c.unreadCount, 0) })),
    route('POST', /^\/v1\/conversations$/, 'createDirectConversation', (_m, _q, body) => {
      const ids = [me.id, ...(body.participantIds as string[])];
      const chosen = people.filter((p) => ids.includes(p.id));
      const created = conversation(serial++, { participantIds: ids, participants: chosen.map(({ id, name }) => ({ id, name })), title: chosen.filter((p) => p.id !== me.id).map((p) => p.name).join(', ') });
      conversations = [created, ...conversations];
      return created;
    }),
    route('GET', /^\/v1\/conversations\/people$/, 'listConversationPeople', (_m, q) => ({ data: people.filter((p) => !q.q || p.name.toLowerCase().split(' ').some((w) => w.startsWith(q.q!.toLowerCase()))) })),
    route('GET', /^\/v1\/record-threads\/([a-z]+)\/([a-f0-9]+)$/, 'getRecordThread', (m) => conversations.find((c) => c.recordId === m[2]) ?? conversation(serial++, { kind: 'record', recordKind: m[1] as Conversation['recordKind'], recordId: m[2]!, title: 'Berg Robotics' })),
    route('GET', /^\/v1\/conversations\/([a-f0-9]+)\/messages$/, 'listConversationMessages', (m) => ({ object: 'list' as const, data: messages.filter((x) => x.conversationId === m[1]).reverse(), hasMore: false, nextCursor: null })),
    route('POST', /^\/v1\/conversations\/([a-f0-9]+)\/messages$/, 'postConversationMessage', (m, _q, body) => {
      const created = { ...message(serial++, m[1]!, me, String(body.body), 0), mentionIds: (body.mentionIds as string[]) ?? [] };
      messages = [...messages, created];
      return created;
    }),
    route('PATCH', /^\/v1\/conversations\/([a-f0-9]+)\/messages\/([a-f0-9]+)$/, 'editConversationMessage', (m, _q, body) => {
      const found = messages.find((x) => x.id === m[2])!;
      const edited = { ...found, body: String(body.body), mentionIds: (body.mentionIds as string[] | undefined) ?? found.mentionIds, editedAt: new Date().toISOString() };
      messages = messages.map((x) => (x.id === edited.id ? edited : x));
      return edited;
    }),
    route('DELETE', /^\/v1\/conversations\/([a-f0-9]+)\/messages\/([a-f0-9]+)$/, 'deleteConversationMessage', (m) => {
      const found = messages.find((x) => x.id === m[2])!;
      const tombstone = { ...found, body: '', mentionIds: [], attachments: [], deletedAt: new Date().toISOString() };
      messages = messages.map((x) => (x.id === tombstone.id ? tombstone : x));
      return tombstone;
    }),
    route('POST', /^\/v1\/conversations\/([a-f0-9]+)\/read$/, 'markConversationRead', (m) => {
      conversations = conversations.map((c) => (c.id === m[1] ? { ...c, unreadCount: 0 } : c));
      return { conversationId: m[1]!, unreadCount: 0, readAt: new Date().toISOString() };
    }),
  ];
  const fetch: FetchLike = async (url, init) => {
    const parsed = new URL(url, 'http://memory.invalid');
    const method = init.method ?? 'GET';
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    for (const [verb, pattern, handler] of routes) {
      const match = verb === method ? parsed.pathname.match(pattern) : null;
      if (match) return new Response(JSON.stringify(await handler(match, Object.fromEntries(parsed.searchParams), body, {})), { status: method === 'POST' && !parsed.pathname.endsWith('/read') ? 201 : 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(JSON.stringify({ type: 'urn:crm:problem:not_found', title: 'Not found', status: 404, code: 'not_found', detail: `No route for ${method} ${parsed.pathname}` }), { status: 404, headers: { 'content-type': 'application/problem+json' } });
  };
  return { client: over(fetch), leadId: thread.recordId! };
}

function over(fetch: FetchLike): CrmDataClient {
  const transport = new Transport({ baseUrl: '', fetch, retries: 0, timeoutMs: 600_000 });
  return { ...(createMemoryApi().client as CrmDataClient), conversations: new Conversations(transport) } as CrmDataClient;
}

/** A conversations client whose every call waits forever, to show the loading state. */
export const pendingConversationsClient: CrmDataClient = over(() => new Promise<Response>(() => undefined));

/** A conversations client whose every call fails as an unreachable API does. */
export const failingConversationsClient: CrmDataClient = over(() => Promise.reject(new TypeError('Could not reach the CRM API.')));
