import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../../testing/index.js';
import { randomIp } from '../../testing/factories.js';
import { articleModel, articleVersionModel, articleVoteModel } from './article.model.js';

describe('knowledge base: agents', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let other: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const as = (token: string) => ({
    get: (path: string) => rt.request().get(`/v1${path}`).set(auth(token)),
    post: (path: string, body: object = {}) => rt.request().post(`/v1${path}`).set(auth(token)).send(body),
    patch: (path: string, body: object) => rt.request().patch(`/v1${path}`).set(auth(token)).send(body),
    delete: (path: string) => rt.request().delete(`/v1${path}`).set(auth(token)),
  });
  const stored = (id: string) => articleModel(rt.ctx.connection).findOne({ tenantId: new Types.ObjectId(agency.tenantId), _id: new Types.ObjectId(id) }).lean();

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    other = await makeAgency(rt);
  });
  after(() => rt.close());

  const create = async (body: object, token = agency.adminToken) => {
    const res = await as(token).post('/kb/articles', body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; slug: string; version: number; draftVersion: number };
  };

  it('should create a draft with a slug from the title and render its Markdown to sanitised HTML', async () => {
    const article = await create({ title: 'Réinitialiser the Password', body: '# Steps\n\n1. Open *Settings*\n\n<script>alert(1)</script><img src=x onerror=alert(1)>\n\nSee [x](javascript:alert(1)) and [docs](https://example.com)' });
    assert.equal(article.slug, 'reinitialiser-the-password');
    const res = await as(agency.adminToken).get(`/kb/articles/${article.id}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'draft');
    assert.match(res.body.html, /<h1>Steps<\/h1>/);
    assert.match(res.body.html, /<em>Settings<\/em>/);
    assert.doesNotMatch(res.body.html, /<script|onerror|href="javascript:/);
    assert.match(res.body.html, /<a href="https:\/\/example.com" rel="noopener noreferrer nofollow" target="_blank">docs<\/a>/);
    assert.equal(res.body.summary.startsWith('Steps Open Settings'), true);
  });

  it('should answer 400 naming the field for a bad slug and store nothing', async () => {
    const before = await articleModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId) });
    const res = await as(agency.adminToken).post('/kb/articles', { title: 'Bad', slug: 'Not A Slug' });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'slug');
    assert.equal(await articleModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId) }), before);
  });

  it('should answer 409 naming the slug when another article of the language has it, and keep no orphan version', async () => {
    await create({ title: 'Billing cycles', slug: 'billing' });
    const versionsBefore = await articleVersionModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId) });
    const res = await as(agency.adminToken).post('/kb/articles', { title: 'Billing again', slug: 'billing' });
    assert.equal(res.status, 409, JSON.stringify(res.body));
    assert.equal(res.body.errors[0].field, 'slug');
    assert.equal(await articleVersionModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId) }), versionsBefore);
    // The same slug in German is another article.
    await create({ title: 'Abrechnung', slug: 'billing', language: 'de' });
  });

  it('should keep each published version and start a new one on the next edit; restore makes an old one the working copy', async () => {
    const article = await create({ title: 'Export contacts', body: 'Version one' });
    let res = await as(agency.adminToken).post(`/kb/articles/${article.id}/publish`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.publishedVersion, 1);
    // Editing a published article writes version 2; the published one stays as it was.
    res = await as(agency.adminToken).patch(`/kb/articles/${article.id}`, { body: 'Version two' });
    assert.equal(res.body.draftVersion, 2);
    assert.equal(res.body.hasUnpublishedChanges, true);
    res = await as(agency.adminToken).patch(`/kb/articles/${article.id}`, { body: 'Version two, fixed' });
    assert.equal(res.body.draftVersion, 2, 'an unpublished draft is edited in place');
    const v1 = await as(agency.adminToken).get(`/kb/articles/${article.id}/versions/1`);
    assert.equal(v1.body.body, 'Version one');
    assert.equal(v1.body.current, 'published');
    res = await as(agency.adminToken).post(`/kb/articles/${article.id}/publish`);
    assert.equal(res.body.publishedVersion, 2);
    const versions = await as(agency.adminToken).get(`/kb/articles/${article.id}/versions`);
    assert.deepEqual(versions.body.data.map((v: { number: number; published: boolean }) => [v.number, v.published]), [[2, true], [1, true]]);
    // Restoring 1 makes a new working copy (3) with version 1's text; 2 stays live until published.
    res = await as(agency.adminToken).post(`/kb/articles/${article.id}/versions/1/restore`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.draftVersion, 3);
    assert.equal(res.body.body, 'Version one');
    assert.equal(res.body.publishedVersion, 2);
    const doc = await stored(article.id);
    assert.equal(doc!.publishedSummary, 'Version two, fixed');
  });

  it('should refuse a stale If-Match with 412 and change nothing', async () => {
    const article = await create({ title: 'Conditional', body: 'one' });
    const ok = await as(agency.adminToken).patch(`/kb/articles/${article.id}`, { title: 'Conditional edit' }).set('If-Match', String(article.version));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const stale = await rt.request().patch(`/v1/kb/articles/${article.id}`).set(auth(agency.adminToken)).set('If-Match', String(article.version)).send({ title: 'Mine' });
    assert.equal(stale.status, 412, JSON.stringify(stale.body));
    assert.equal((await stored(article.id))!.title, 'Conditional edit');
  });

  it('should let Customer Support write articles and a Sales Person only read them', async () => {
    const support = await makeUser(rt, agency, { role: 'SUPPORT' });
    const seller = await makeUser(rt, agency, { role: 'SALES_PERSON' });
    const supportToken = await signIn(rt, support.email);
    const sellerToken = await signIn(rt, seller.email);
    const article = await create({ title: 'Written by support' }, supportToken);
    assert.equal((await as(supportToken).post(`/kb/articles/${article.id}/publish`)).status, 200);
    assert.equal((await as(sellerToken).get(`/kb/articles/${article.id}`)).status, 200);
    const refused = await as(sellerToken).patch(`/kb/articles/${article.id}`, { title: 'Sales edit' });
    assert.equal(refused.status, 403);
    assert.equal((await as(sellerToken).post('/kb/articles', { title: 'Nope' })).status, 403);
    assert.equal((await stored(article.id))!.title, 'Written by support');
  });

  it('should answer 404 for an article of another agency, in reads, writes and lists', async () => {
    const article = await create({ title: 'Tenant secret', body: 'only ours' });
    assert.equal((await as(other.adminToken).get(`/kb/articles/${article.id}`)).status, 404);
    assert.equal((await as(other.adminToken).patch(`/kb/articles/${article.id}`, { title: 'theirs' })).status, 404);
    assert.equal((await as(other.adminToken).post(`/kb/articles/${article.id}/publish`)).status, 404);
    assert.equal((await as(other.adminToken).delete(`/kb/articles/${article.id}`)).status, 404);
    const list = await as(other.adminToken).get('/kb/articles?q=tenant secret');
    assert.equal(list.status, 200);
    assert.equal(list.body.data.length, 0);
    assert.equal((await stored(article.id))!.title, 'Tenant secret');
  });

  it('should search titles, tags and summaries by word prefixes, and filter by category', async () => {
    const category = await as(agency.adminToken).post('/kb/categories', { name: 'Invoices' });
    assert.equal(category.status, 201);
    const inCategory = await create({ title: 'Download an invoice as PDF', categoryId: category.body.id, tags: ['billing'] });
    await create({ title: 'Change your avatar', body: 'Pictures and invoices are unrelated' });
    const byPrefix = await as(agency.adminToken).get('/kb/articles?q=invo');
    assert.equal(byPrefix.status, 200);
    assert.equal(byPrefix.body.data.length, 2);
    const byWord = await as(agency.adminToken).get('/kb/articles?q=invoice');
    assert.equal(byWord.body.data.length, 2);
    assert.equal(byWord.body.data[0].id, inCategory.id, 'a whole-word match ranks above a longer word (invoices)');
    const twoWords = await as(agency.adminToken).get('/kb/articles?q=invoice pdf');
    assert.deepEqual(twoWords.body.data.map((a: { id: string }) => a.id), [inCategory.id]);
    const byCategory = await as(agency.adminToken).get(`/kb/articles?categoryId=${category.body.id}`);
    assert.deepEqual(byCategory.body.data.map((a: { id: string }) => a.id), [inCategory.id]);
    const operator = await rt.request().get('/v1/kb/articles?q[$ne]=x').set(auth(agency.adminToken));
    assert.equal(operator.status, 400);
  });

  it('should page the list newest change first with a cursor', async () => {
    const category = await as(agency.adminToken).post('/kb/categories', { name: 'Paging' });
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await create({ title: `Paged ${n}`, categoryId: category.body.id })).id);
    const first = await as(agency.adminToken).get(`/kb/articles?categoryId=${category.body.id}&limit=2`);
    assert.equal(first.body.hasMore, true);
    const second = await as(agency.adminToken).get(`/kb/articles?categoryId=${category.body.id}&limit=2&cursor=${first.body.nextCursor}`);
    assert.deepEqual([...first.body.data, ...second.body.data].map((a: { id: string }) => a.id), ids.reverse());
    assert.equal(second.body.hasMore, false);
  });

  it('should nest categories one level, order them, and refuse to delete one that has articles', async () => {
    const top = await as(agency.adminToken).post('/kb/categories', { name: 'Getting started', position: 0 });
    const child = await as(agency.adminToken).post('/kb/categories', { name: 'First steps', parentId: top.body.id });
    assert.equal(child.status, 201);
    const grandchild = await as(agency.adminToken).post('/kb/categories', { name: 'Too deep', parentId: child.body.id });
    assert.equal(grandchild.status, 400);
    assert.equal(grandchild.body.errors[0].field, 'parentId');
    const list = await as(agency.adminToken).get('/kb/categories');
    const names = list.body.data.map((c: { name: string }) => c.name);
    assert.equal(names.indexOf('First steps'), names.indexOf('Getting started') + 1);
    await create({ title: 'In first steps', categoryId: child.body.id });
    assert.equal((await as(agency.adminToken).delete(`/kb/categories/${child.body.id}`)).status, 409);
    assert.equal((await as(agency.adminToken).delete(`/kb/categories/${top.body.id}`)).status, 409);
    const foreign = await as(agency.adminToken).post('/kb/articles', { title: 'Foreign category', categoryId: new Types.ObjectId().toHexString() });
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.errors[0].field, 'categoryId');
  });

  it('should count an agent’s vote once', async () => {
    const article = await create({ title: 'Vote on me' });
    await as(agency.adminToken).post(`/kb/articles/${article.id}/publish`);
    const first = await as(agency.adminToken).post(`/kb/articles/${article.id}/votes`, { helpful: true });
    assert.deepEqual(first.body, { counted: true, helpful: 1, notHelpful: 0 });
    const again = await as(agency.adminToken).post(`/kb/articles/${article.id}/votes`, { helpful: false });
    assert.deepEqual(again.body, { counted: false, helpful: 1, notHelpful: 0 });
    assert.equal(await articleVoteModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), articleId: new Types.ObjectId(article.id) }), 1);
  });

  it('should reject a duplicate vote key in the database (the unique index votes stand on)', async () => {
    const Vote = articleVoteModel(rt.ctx.connection);
    const doc = { tenantId: new Types.ObjectId(agency.tenantId), articleId: new Types.ObjectId(), key: `dup:${randomIp()}`, helpful: true };
    await Vote.create(doc);
    await assert.rejects(Vote.create(doc), (error: { code?: number }) => error.code === 11000);
  });

  it('should delete an article with its versions, votes and search entries', async () => {
    const article = await create({ title: 'Short lived zebra' });
    await as(agency.adminToken).post(`/kb/articles/${article.id}/publish`);
    assert.equal((await as(agency.adminToken).delete(`/kb/articles/${article.id}`)).status, 204);
    assert.equal(await stored(article.id), null);
    assert.equal(await articleVersionModel(rt.ctx.connection).countDocuments({ tenantId: new Types.ObjectId(agency.tenantId), articleId: new Types.ObjectId(article.id) }), 0);
    assert.equal((await as(agency.adminToken).get('/kb/articles?q=zebra')).body.data.length, 0);
  });
});
