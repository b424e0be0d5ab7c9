import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { currentOpenApiDocument } from '../openapi-document.js';
import { roleModel } from '../modules/identity/role.model.js';
import { createTestRuntime, makeAgency, makeUser, signIn, type TestAgency } from '../testing/index.js';

/**
 * Every CSV export of the API, for every role of an agency: the role may export or gets 403; the header
 * is exactly the resource's full column set, or the role's export rule's columns (002: the phone-sales
 * roles export first name, last name, job title and company of contacts and leads); every row has as
 * many cells as the header, and a cell sits under its column.
 */

/** The full column set of each export, as a client reads it: a change here is a change of the contract. */
const fullColumns: Record<string, string[]> = {
  '/v1/contacts/export': ['firstName', 'lastName', 'jobTitle', 'companyName', 'email', 'phone', 'city', 'country', 'status', 'tags', 'createdAt'],
  '/v1/customers/export': ['name', 'industry', 'companyType', 'email', 'phone', 'city', 'country', 'category', 'rating', 'tags', 'currency', 'creditLimit', 'blacklisted', 'status', 'parentId', 'createdAt'],
  '/v1/leads/export': ['firstName', 'lastName', 'jobTitle', 'companyName', 'email', 'phone', 'source', 'contactList', 'services', 'quality', 'participation', 'status', 'createdAt'],
  '/v1/opportunities/export': ['name', 'stage', 'amount', 'currency', 'probability', 'expectedCloseDate', 'outcome', 'lostReason', 'createdAt'],
  '/v1/tasks/export': ['kind', 'title', 'status', 'dueAt', 'subjectType', 'createdAt'],
  '/v1/activities/export': ['type', 'title', 'occurredAt', 'subjectType', 'outcome'],
  '/v1/tickets/export': ['number', 'subject', 'status', 'priority', 'channel', 'category', 'createdAt', 'updatedAt'],
  '/v1/campaigns/export': ['title', 'code', 'type', 'visibility', 'status', 'startAt', 'endAt', 'cost', 'expectedRevenue', 'createdAt'],
};

/** Parses RFC 4180 CSV (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += ch;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

describe('security: every CSV export, per role, has its column set', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { RATE_LIMIT_MAX: '1000000' } });
    agency = await makeAgency(rt);
  });
  after(() => rt.close());

  it('should know every CSV export the document declares', () => {
    const document = currentOpenApiDocument() as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>> };
    const csvRoutes = Object.entries(document.paths)
      .filter(([, methods]) => Object.values(methods).some((op) => op.responses?.['200']?.content?.['text/csv']))
      .map(([path]) => path)
      // An import's error file (/v1/imports/{id}/errors) is the file's own rows, shown to whoever ran it: not a record export.
      .filter((path) => !path.includes('{'))
      .sort();
    assert.deepEqual(csvRoutes, Object.keys(fullColumns).sort(), 'a new export needs its columns specified here');
  });

  it('should put each cell of an export under its column, quoting commas and quotes', async () => {
    const admin = agency.adminToken;
    const contact = await rt.request().post('/v1/contacts').set(auth(admin)).send({ firstName: 'Ada', lastName: 'Byron, "Lovelace"', jobTitle: 'Analyst', company: { name: 'Engines, Ltd' } });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const customer = await rt.request().post('/v1/customers').set(auth(admin)).send({ name: 'Quote "Q" Corp, AB', industry: 'Fintech' });
    assert.equal(customer.status, 201, JSON.stringify(customer.body));
    const checks: [string, Record<string, string>][] = [
      ['/v1/contacts/export', { firstName: 'Ada', lastName: 'Byron, "Lovelace"', jobTitle: 'Analyst', companyName: 'Engines, Ltd' }],
      ['/v1/customers/export', { name: 'Quote "Q" Corp, AB', industry: 'Fintech' }],
    ];
    for (const [path, expected] of checks) {
      const res = await rt.request().get(path).set(auth(admin));
      assert.equal(res.status, 200, path);
      assert.match(res.headers['content-type']!, /^text\/csv/);
      const [header, ...rows] = parseCsv(res.text);
      assert.deepEqual(header, fullColumns[path]);
      for (const row of rows) assert.equal(row.length, header!.length, `${path}: a row with ${row.length} cells under ${header!.length} columns`);
      const cellsOf = (row: string[]) => Object.fromEntries(header!.map((column, i) => [column, row[i]]));
      const found = rows.map(cellsOf).find((cells) => Object.entries(expected).every(([column, value]) => cells[column] === value));
      assert.ok(found, `${path}: no row with ${JSON.stringify(expected)} in\n${res.text}`);
    }
  });

  it("should answer each role's export with exactly its column set, or 403 where the role may not export", async () => {
    const roles = await roleModel(rt.ctx.connection).find({ tenantId: new Types.ObjectId(agency.tenantId) }).lean();
    assert.ok(roles.length >= 16, `the agency has ${roles.length} roles`);
    const resourceOf = (path: string) => ({ contacts: 'contact', customers: 'customer', leads: 'lead', opportunities: 'opportunity', tasks: 'task', activities: 'activity', campaigns: 'campaign' })[path.split('/')[2]!]!;
    const salesColumns = ['firstName', 'lastName', 'jobTitle', 'companyName'];
    let restricted = 0;
    let refused = 0;
    for (const role of roles) {
      const user = await makeUser(rt, agency, { role: role.key });
      const token = await signIn(rt, user.email);
      for (const path of Object.keys(fullColumns)) {
        const resource = resourceOf(path);
        const res = await rt.request().get(path).set(auth(token));
        const actions = role.permissions.find((p) => p.resource === resource)?.actions ?? [];
        if (!role.isAdmin && !actions.includes('export')) {
          assert.equal(res.status, 403, `${role.key} ${path}: ${res.status}`);
          refused += 1;
          continue;
        }
        assert.equal(res.status, 200, `${role.key} ${path}: ${res.status} ${res.text.slice(0, 200)}`);
        const [header, ...rows] = parseCsv(res.text);
        const rule = (role.exports ?? []).find((r) => r.resource === resource && r.columns.length);
        const expected = role.isAdmin || !rule ? fullColumns[path] : rule.columns;
        assert.deepEqual(header, expected, `${role.key} ${path}`);
        for (const row of rows) assert.equal(row.length, header!.length, `${role.key} ${path}`);
        if (rule && !role.isAdmin) {
          restricted += 1;
          // The policy of 002, stated here on its own: the sales column set, and nothing else.
          assert.deepEqual(header, salesColumns, `${role.key} ${path}`);
        }
      }
    }
    // SM, ASM, STM, SSE and SE on contacts and leads; and the roles without the export permission.
    assert.equal(restricted, 10);
    assert.ok(refused > 0);
  });
});
