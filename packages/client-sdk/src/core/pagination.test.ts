import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { listOf, startFakeApi, type FakeApi } from '../testing/fake-api.js';
import { Page, requestPage, type PagePromise } from './pagination.js';
import { Transport } from './transport.js';

// Three pages of two records: c1 c2 | c3 c4 | c5 c6.
const pages: Record<string, [string[], string | null]> = {
  first: [['c1', 'c2'], 'cur-2'],
  'cur-2': [['c3', 'c4'], 'cur-3'],
  'cur-3': [['c5', 'c6'], null],
};

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function contactsList(): Promise<{ api: FakeApi; list: (query?: object) => PagePromise<{ id: string }> }> {
  api = await startFakeApi((request) => {
    const [ids, next] = pages[request.query.get('cursor') ?? 'first'] ?? [[], null];
    return listOf(ids.map((id) => ({ id })), next);
  });
  const transport = new Transport({ baseUrl: api.baseUrl });
  return { api, list: (query) => requestPage<{ id: string }>(transport, '/v1/contacts', { limit: 2, ...query }, undefined) };
}

describe('pagination', () => {
  it('should walk every record across 3 pages with for await on the list call', async () => {
    const { api, list } = await contactsList();
    const ids: string[] = [];
    for await (const contact of list({ sort: '-createdAt' })) ids.push(contact.id);
    assert.deepEqual(ids, ['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    assert.deepEqual(
      api.requests.map((request) => request.query.toString()),
      ['limit=2&sort=-createdAt', 'limit=2&sort=-createdAt&cursor=cur-2', 'limit=2&sort=-createdAt&cursor=cur-3'],
    );
  });

  it('should resolve to the first page with data, hasMore and nextCursor', async () => {
    const { api, list } = await contactsList();
    const page = await list();
    assert.ok(page instanceof Page);
    assert.deepEqual(page.data, [{ id: 'c1' }, { id: 'c2' }]);
    assert.equal(page.hasMore, true);
    assert.equal(page.nextCursor, 'cur-2');
    assert.equal(api.requests.length, 1);
  });

  it('should follow nextPage() to the last page and then answer null', async () => {
    const { list } = await contactsList();
    const second = await (await list()).nextPage();
    const third = await second?.nextPage();
    assert.deepEqual(third?.data, [{ id: 'c5' }, { id: 'c6' }]);
    assert.equal(third?.hasMore, false);
    assert.equal(await third?.nextPage(), null);
  });

  it('should iterate pages with iterPages() and records from an awaited page', async () => {
    const { list } = await contactsList();
    const page = await list();
    let count = 0;
    for await (const _ of page.iterPages()) count += 1;
    const ids: string[] = [];
    for await (const contact of page) ids.push(contact.id);
    assert.equal(count, 3);
    assert.equal(ids.length, 6);
  });

  it('should stop early without fetching more pages when the loop breaks', async () => {
    const { api, list } = await contactsList();
    for await (const contact of list()) if (contact.id === 'c1') break;
    assert.equal(api.requests.length, 1);
  });
  it('should follow another cursor, such as the timeline\'s nextBefore', async () => {
    api = await startFakeApi((request) => {
      const before = request.query.get('before');
      return before === null
        ? { body: { object: 'list', data: [{ id: 't2' }], hasMore: true, nextBefore: '2026-01-01T00:00:00.000Z' } }
        : { body: { object: 'list', data: [{ id: 't1' }], hasMore: false, nextBefore: null } };
    });
    const transport = new Transport({ baseUrl: api.baseUrl });
    const seen: string[] = [];
    const timeline = requestPage<{ id: string }>(transport, '/v1/leads/l1/timeline', { limit: 1 }, undefined, { cursorParam: 'before', nextCursorField: 'nextBefore' });
    for await (const item of timeline) seen.push(item.id);
    assert.deepEqual(seen, ['t2', 't1']);
    assert.equal(api.requests[1]?.query.get('before'), '2026-01-01T00:00:00.000Z');
  });
});
