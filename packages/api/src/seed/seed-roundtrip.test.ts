import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createTestRuntime } from '../testing/index.js';
import { seedDemoIfEmpty } from './demo.js';

type Dto = Record<string, unknown> & { id: string; version: number };

/**
 * The body <crm-contact-editor> sends when a contact is saved as it was loaded: the same steps as
 * `toDraft` then `toBody` in packages/elements/src/contact-editor/contact-draft.ts (trimmed texts,
 * blank entries dropped, blank optional texts as null, owner and product only when changed — so never
 * here — and one value per custom field definition).
 */
function contactEditorBody(contact: Dto, customKeys: string[]): Record<string, unknown> {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const blank = (v: unknown) => (text(v).trim() === '' ? null : text(v).trim());
  const withoutBlanks = (entry: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(entry)
        .map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v])
        .filter(([, v]) => v !== '' && v !== null && v !== undefined),
    );
  const companyIn = (contact.company ?? {}) as Record<string, unknown>;
  const company: Record<string, unknown> = { ...companyIn, name: text(companyIn.name).trim(), industry: text(companyIn.industry).trim(), website: text(companyIn.website).trim() };
  const hasCompany = Object.values(company).some((v) => v !== '' && v !== null && v !== undefined);
  const consent = (contact.consent ?? {}) as { marketing?: boolean; source?: string | null };
  const custom = (contact.custom ?? {}) as Record<string, unknown>;
  const list = (key: string) => ((contact[key] ?? []) as Record<string, unknown>[]).map((e) => ({ ...e }));
  return {
    firstName: text(contact.firstName).trim(),
    middleName: blank(contact.middleName),
    lastName: text(contact.lastName).trim(),
    jobTitle: blank(contact.jobTitle),
    emails: list('emails').map((e) => withoutBlanks({ ...e, value: text(e.value).trim() })),
    phones: list('phones').map((p) => withoutBlanks({ ...p, value: text(p.value).trim() })),
    addresses: list('addresses').map((a) => withoutBlanks(a)),
    company: hasCompany ? withoutBlanks(company) : null,
    leadSource: blank(contact.leadSource),
    tags: ((contact.tags ?? []) as string[]).join(', ').split(',').map((t) => t.trim()).filter(Boolean),
    notes: blank(contact.notes),
    consent: { marketing: consent.marketing ?? false, ...(text(consent.source).trim() ? { source: text(consent.source).trim() } : {}) },
    custom: Object.fromEntries(customKeys.map((k) => [k, custom[k] === '' || custom[k] === undefined ? null : custom[k]])),
  };
}

/** A record's editable fields as its update schema names them (from the API's own OpenAPI document), as loaded. */
function editableBody(record: Dto, updateSchema: { properties: Record<string, unknown> }): Record<string, unknown> {
  return Object.fromEntries(Object.keys(updateSchema.properties).filter((k) => record[k] !== undefined && record[k] !== null).map((k) => [k, record[k]]));
}

describe('every seeded record opens and saves unchanged', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let token: string;
  let schemas: Record<string, { properties: Record<string, unknown> }>;
  const auth = () => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    // Two requests for each of ~150 seeded records: past the agency's 200 per 10 s request budget, which is not what this tests.
    rt = await createTestRuntime({ file: import.meta.filename, env: { RATE_LIMIT_MAX: '100000' } });
    const seeded = await seedDemoIfEmpty(rt.ctx);
    const login = await rt.request().post('/v1/auth/login').send({ email: seeded!.logins[0]!.email, password: seeded!.password });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    token = login.body.accessToken;
    schemas = (await rt.request().get('/v1/openapi.json')).body.components.schemas;
  });
  after(() => rt.close());

  /** Every record of a list route, page by page, as the admin sees them. */
  async function all(path: string): Promise<Dto[]> {
    const out: Dto[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { data: Dto[]; hasMore: boolean; nextCursor: string | null } } = await rt.request().get(path).query({ limit: 200, ...(cursor ? { cursor } : {}) }).set(auth());
      assert.equal(res.status, 200, JSON.stringify(res.body));
      out.push(...res.body.data);
      cursor = res.body.hasMore ? res.body.nextCursor : null;
    } while (cursor);
    return out;
  }

  /** Loads each record, saves `bodyOf(record)` with If-Match its version, and checks it answered 200 and nothing changed. */
  async function roundTrip(resource: string, bodyOf: (record: Dto) => Record<string, unknown>): Promise<number> {
    const records = await all(`/v1/${resource}`);
    assert.ok(records.length > 0, `the seed made no ${resource}`);
    const failures: string[] = [];
    for (const listed of records) {
      const loaded = await rt.request().get(`/v1/${resource}/${listed.id}`).set(auth());
      assert.equal(loaded.status, 200, JSON.stringify(loaded.body));
      const record = loaded.body as Dto;
      const saved = await rt.request().patch(`/v1/${resource}/${record.id}`).set(auth()).set('If-Match', String(record.version)).send(bodyOf(record));
      if (saved.status !== 200) {
        failures.push(`${resource}/${record.id}: ${saved.status} ${JSON.stringify(saved.body.errors ?? saved.body.detail)}`);
        continue;
      }
      const { updatedAt: _a, version: _v, ...before } = record;
      const { updatedAt: _b, version: _w, ...afterSave } = saved.body as Dto;
      const changed = [...new Set([...Object.keys(before), ...Object.keys(afterSave)])].filter((k) => !isDeepStrictEqual((afterSave as Record<string, unknown>)[k], (before as Record<string, unknown>)[k]));
      if (changed.length) failures.push(`${resource}/${record.id} changed ${changed.map((k) => `${k}: ${JSON.stringify((before as Record<string, unknown>)[k])} → ${JSON.stringify((afterSave as Record<string, unknown>)[k])}`).join('; ')}`);
    }
    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} of ${records.length} ${resource} did not save unchanged`);
    return records.length;
  }

  it('should save every contact with the body the contact editor sends', async () => {
    const definitions = (await rt.request().get('/v1/custom-fields').query({ resource: 'contact' }).set(auth())).body.data as { key: string }[] | undefined;
    const count = await roundTrip('contacts', (c) => contactEditorBody(c, (definitions ?? []).map((d) => d.key)));
    assert.equal(count, 60);
  });

  it('should save every customer, lead, opportunity and task with its editable fields as loaded', async () => {
    assert.ok((await roundTrip('customers', (r) => editableBody(r, schemas.CustomerUpdate!))) >= 6);
    assert.ok((await roundTrip('leads', (r) => editableBody(r, schemas.LeadUpdate!))) >= 18);
    assert.ok((await roundTrip('opportunities', (r) => editableBody(r, schemas.OpportunityUpdate!))) >= 26);
    assert.ok((await roundTrip('tasks', (r) => editableBody(r, schemas.TaskUpdate!))) >= 10);
  });
});
