import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Types } from 'mongoose';
import { EventBus, type DomainEvent } from './events.js';

const event = (): Omit<DomainEvent, 'at'> => ({ type: 'opportunity.created', tenantId: new Types.ObjectId(), resource: 'opportunity', resourceId: 'x', actor: null });

describe('event bus: subscribers beside the others', () => {
  it('should run a subscriber marked beside alongside the ones after it, and answer only once it is done', async () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const bus = new EventBus((error) => errors.push(error));
    let finish!: () => void;
    const slow = new Promise<void>((r) => (finish = r));
    bus.subscribe('opportunity.*', async () => {
      seen.push('beside started');
      await slow;
      seen.push('beside done');
    }, { beside: true });
    bus.subscribe('*', async () => {
      seen.push('audit');
    });
    bus.subscribe('opportunity.*', () => {
      throw new Error('failing beside');
    }, { beside: true });
    let answered = false;
    const published = bus.publish(event()).then(() => (answered = true));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(seen, ['beside started', 'audit'], 'the next subscriber ran while the first waited');
    assert.equal(answered, false, 'publish waits for the subscriber beside');
    finish();
    await published;
    assert.deepEqual(seen, ['beside started', 'audit', 'beside done']);
    assert.equal(errors.length, 1, 'a failing subscriber is reported, not thrown');
  });
});
