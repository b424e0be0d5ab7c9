// Realtime against the real API's socket.io server: events for subscribed changes, and events again after
// the connection drops, after the server hangs up, and after the server says the session expired.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCrmClient, type CrmClient } from '../../src/core/client.js';
import type { RealtimeEvent } from '../../src/resources/realtime.js';
import type { Contact } from '../../src/resources/contacts.js';
import { until, useLiveApi } from '../support/live-api.js';

const live = useLiveApi(import.meta.filename);

/** A subscriber's view: the events received and how many times the API acknowledged the subscription. */
function listen(client: CrmClient, filter?: Record<string, string>) {
  const events: RealtimeEvent<Contact>[] = [];
  let acknowledged = 0;
  const errors: unknown[] = [];
  const stop = client.realtime.subscribe({ resource: 'contact', ...(filter ? { filter } : {}) }, (event) => events.push(event), {
    onSubscribed: () => {
      acknowledged += 1;
    },
    onError: (error) => errors.push(error),
  });
  return {
    events,
    errors,
    stop,
    acknowledged: () => acknowledged,
    eventFor: (id: string, type: RealtimeEvent['type']) => until(() => events.some((event) => event.id === id && event.type === type), 10_000, `a ${type} event for ${id}`),
  };
}

describe('crm.realtime', () => {
  it('should deliver the changes of subscribed records, with their type and record', async () => {
    const subscriber = live.api.adminClient();
    const feed = listen(subscriber, { lastName: 'Live' });
    try {
      await until(() => feed.acknowledged() === 1, 10_000, 'the subscription');
      const contact = await live.crm.contacts.create({ firstName: 'Seen', lastName: 'Live' });
      await feed.eventFor(contact.id, 'created');
      await live.crm.contacts.update(contact.id, { jobTitle: 'Watcher' });
      await feed.eventFor(contact.id, 'updated');
      await live.crm.contacts.transition(contact.id, { to: 'hot' });
      await feed.eventFor(contact.id, 'transitioned');
      await live.crm.contacts.create({ firstName: 'Not', lastName: 'Matching' });
      await live.crm.contacts.remove(contact.id);
      await feed.eventFor(contact.id, 'deleted');
      assert.ok(feed.events.every((event) => event.resource === 'contact' && event.record?.lastName !== 'Matching'));
      assert.equal(feed.events.find((event) => event.type === 'created')?.record?.firstName, 'Seen');
    } finally {
      feed.stop();
    }
  });

  it('should reconnect and resubscribe after the connection drops, and deliver new changes', async () => {
    const subscriber = live.api.adminClient();
    const feed = listen(subscriber);
    try {
      await until(() => feed.acknowledged() === 1, 10_000, 'the subscription');
      const [socket] = live.api.sockets();
      assert.ok(socket);
      socket.conn.close(); // the transport drops, as on a network failure

      await until(() => feed.acknowledged() === 2, 15_000, 'the resubscription');
      const contact = await live.crm.contacts.create({ firstName: 'After', lastName: 'Reconnect' });
      await feed.eventFor(contact.id, 'created');
    } finally {
      feed.stop();
    }
  });

  it('should connect again when the server hangs up, and deliver new changes', async () => {
    const subscriber = live.api.adminClient();
    const feed = listen(subscriber);
    try {
      await until(() => feed.acknowledged() === 1, 10_000, 'the subscription');
      const before = new Set(live.api.sockets().map((socket) => socket.id));
      for (const socket of live.api.sockets()) socket.disconnect(true);

      await until(() => feed.acknowledged() === 2, 15_000, 'the resubscription');
      assert.ok(live.api.sockets().every((socket) => !before.has(socket.id)));
      const contact = await live.crm.contacts.create({ firstName: 'After', lastName: 'Hangup' });
      await feed.eventFor(contact.id, 'created');
      assert.deepEqual(feed.errors, []);
    } finally {
      feed.stop();
    }
  });

  it('should refresh the token and reconnect after the server says the session expired', async () => {
    const tokens = await live.api.adminClient().session!.login();
    let refreshed = 0;
    const subscriber = createCrmClient({
      baseUrl: live.api.baseUrl,
      fetch: live.api.fetchFrom(),
      auth: { type: 'session', ...tokens, onTokens: () => void (refreshed += 1) },
    });
    const feed = listen(subscriber);
    try {
      await until(() => feed.acknowledged() === 1, 10_000, 'the subscription');
      for (const socket of live.api.sockets()) {
        socket.emit('session_expired');
        socket.disconnect(true);
      }

      await until(() => feed.acknowledged() === 2, 15_000, 'the resubscription');
      assert.equal(refreshed, 1);
      const contact = await live.crm.contacts.create({ firstName: 'After', lastName: 'Expiry' });
      await feed.eventFor(contact.id, 'created');
    } finally {
      feed.stop();
    }
  });

  it('should report a subscription the API refuses', async () => {
    const errors: unknown[] = [];
    const stop = live.crm.realtime.subscribe({ resource: 'not-a-resource' as 'contact' }, () => {}, { onError: (error) => errors.push(error) });
    try {
      await until(() => errors.length === 1, 10_000, 'the refusal');
      assert.match(String(errors[0]), /validation_failed|resource/);
    } finally {
      stop();
    }
  });
});
