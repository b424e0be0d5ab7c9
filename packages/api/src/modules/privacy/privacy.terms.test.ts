import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, it } from 'node:test';
import JSZip from 'jszip';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency, makeCustomer, type TestAgency } from '../../testing/index.js';
import { randomIp } from '../../testing/factories.js';

type Res = IncomingMessage;
const binary = (res: Res, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

// Terms and privacy acceptance with version and time (portal, public sign-ups), a person's
// acceptances for the admin, and the zipped CSV export that carries them (issue 22).
describe('terms acceptance and the zipped export', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let customer: Awaited<ReturnType<typeof makeCustomer>>;
  const admin = { Authorization: '' };
  const portal = { Authorization: '' };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { CAMPAIGN_MIN_FILL_MS: '0', PUBLIC_RATE_LIMIT_PER_MINUTE: '60' } });
    agency = await makeAgency(rt);
    admin.Authorization = `Bearer ${agency.adminToken}`;
    customer = await makeCustomer(rt, agency);
    portal.Authorization = `Bearer ${customer.accessToken}`;
  });
  after(async () => rt?.close());

  it('keeps the current versions as agency settings and refuses a bad one naming the field', async () => {
    const bad = await rt.request().put('/v1/privacy/terms').set(admin).send({ terms: { version: 'version two!' } });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(bad.headers['content-type']!, /application\/problem\+json/);
    assert.equal(bad.body.errors[0].field, 'terms.version');
    const none = await rt.request().get('/v1/portal/me/terms').set(portal);
    assert.deepEqual(none.body.pending, [], 'nothing is asked before the agency sets a version');
    const set = await rt.request().put('/v1/privacy/terms').set(admin).send({ terms: { version: '2026-01', url: 'https://agency.example/terms' }, privacy: { version: 'p-3' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.terms.version, '2026-01');
    assert.equal(set.body.privacy.url, null);
    const read = await rt.request().get('/v1/privacy/terms').set(admin);
    assert.deepEqual(read.body, set.body);
    // Customers may not set them.
    assert.equal((await rt.request().put('/v1/privacy/terms').set(portal).send({ terms: null })).status, 401);
  });

  it('records a portal customer acceptance with version and time, once per version', async () => {
    const first = await rt.request().get('/v1/portal/me/terms').set(portal);
    assert.deepEqual(first.body.pending, ['terms', 'privacy']);
    const outdated = await rt.request().post('/v1/portal/me/terms').set(portal).send({ document: 'terms', version: '2025-12' });
    assert.equal(outdated.status, 400);
    assert.equal(outdated.body.errors[0].field, 'version');
    assert.equal(outdated.body.errors[0].code, 'outdated');
    const before = Date.now();
    const accepted = await rt.request().post('/v1/portal/me/terms').set(portal).send({ document: 'terms', version: '2026-01' });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.deepEqual(accepted.body.pending, ['privacy']);
    assert.equal(accepted.body.accepted[0].version, '2026-01');
    assert.ok(Date.parse(accepted.body.accepted[0].acceptedAt) >= before - 1000);
    const again = await rt.request().post('/v1/portal/me/terms').set(portal).send({ document: 'terms', version: '2026-01' });
    assert.equal(again.body.accepted.length, 1, 'the same version twice is one acceptance');
    await rt.request().post('/v1/portal/me/terms').set(portal).send({ document: 'privacy', version: 'p-3' }).expect(200);
    // A new version is asked for again.
    await rt.request().put('/v1/privacy/terms').set(admin).send({ terms: { version: '2026-02' } }).expect(200);
    const next = await rt.request().get('/v1/portal/me/terms').set(portal);
    assert.deepEqual(next.body.pending, ['terms']);
    assert.equal(next.body.current.privacy.version, 'p-3', 'a document left out keeps its version');
  });

  it('records the privacy version on a public sign-up with consent, answers a person\u2019s acceptances, and exports them zipped as CSV', async () => {
    const key = await rt.request().post('/v1/api-keys').set(admin).send({ kind: 'publishable', name: 'Site', allowedOrigins: ['https://site.example'] });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    const code = `T${new Types.ObjectId().toHexString().slice(-8)}`;
    const day = 86_400_000;
    const campaign = await rt.request().post('/v1/campaigns').set(admin).send({
      title: 'Newsletter', code, type: 'referral', visibility: 'public', description: 'Monthly news from the agency, with offers. '.repeat(6),
      startAt: new Date(Date.now() - day).toISOString(), endAt: new Date(Date.now() + 30 * day).toISOString(),
      form: { fields: [{ key: 'email', label: 'Email', required: true }], consentText: 'I accept the privacy notice', thankYouMessage: 'Thanks!' },
    });
    assert.equal(campaign.status, 201, JSON.stringify(campaign.body));
    for (const to of ['new', 'active']) await rt.request().post(`/v1/campaigns/${campaign.body.id}/transitions`).set(admin).send({ to }).expect(200);
    const pub = (m: 'get' | 'post', path: string) => rt.request()[m](`/v1/public${path}`).set('Authorization', `Bearer ${key.body.key}`).set('Origin', 'https://site.example').set('X-Forwarded-For', randomIp());
    const form = await pub('get', `/campaigns/${code}`);
    const signup = await pub('post', `/campaigns/${code}/signups`).send({ fields: { email: 'Reader@Example.org' }, consent: true, formToken: form.body.formToken });
    assert.ok([200, 201, 202].includes(signup.status), JSON.stringify(signup.body));

    const reader = await rt.request().post('/v1/privacy/acceptances/lookup').set(admin).send({ email: 'reader@example.org' });
    assert.equal(reader.status, 200, JSON.stringify(reader.body));
    assert.deepEqual(reader.body.data.map((a: { document: string; version: string; source: string }) => [a.document, a.version, a.source]), [['privacy', 'p-3', `campaign:${code.toUpperCase()}`]]);
    const kim = await rt.request().post('/v1/privacy/acceptances/lookup').set(admin).send({ email: customer.email });
    assert.deepEqual(kim.body.data.map((a: { document: string; version: string; source: string }) => [a.document, a.version, a.source]), [['terms', '2026-01', 'portal'], ['privacy', 'p-3', 'portal']]);
    const unnamed = await rt.request().post('/v1/privacy/acceptances/lookup').set(admin).send({});
    assert.equal(unnamed.status, 400);
    assert.equal(unnamed.body.errors[0].field, 'email');

    const zip = await rt.request().post('/v1/privacy/exports?format=zip').set(admin).send({ email: customer.email }).buffer(true).parse(binary as never);
    assert.equal(zip.status, 200);
    assert.equal(zip.headers['content-type'], 'application/zip');
    assert.match(zip.headers['content-disposition']!, /privacy-export-[0-9a-f]{24}\.zip/);
    const files = await JSZip.loadAsync(zip.body as Buffer);
    const names = Object.keys(files.files);
    for (const name of ['contacts.csv', 'customerPortalUsers.csv', 'termsAcceptances.csv', 'export.json', 'README.txt']) assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    const csv = (await files.file('termsAcceptances.csv')!.async('string')).replace(/^\uFEFF/, '').split('\r\n');
    const header = csv[0]!.split(',');
    assert.ok(header.includes('version') && header.includes('acceptedAt') && header.includes('document'));
    assert.equal(csv.filter(Boolean).length, 3, 'a header and two acceptances');
    assert.ok(csv.some((line) => line.includes('2026-01') && line.includes('portal')));
    const contacts = await files.file('contacts.csv')!.async('string');
    assert.ok(contacts.includes(customer.email));
    const json = JSON.parse(await files.file('export.json')!.async('string'));
    assert.equal(json.data.termsAcceptances.length, 2);
    const wrong = await rt.request().post('/v1/privacy/exports?format=xml').set(admin).send({ email: customer.email });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].field, 'query.format');

    // Erasure takes the acceptances with the person.
    await rt.request().post('/v1/privacy/erasures').set(admin).send({ email: 'reader@example.org', confirmation: 'ERASE' }).expect(201);
    const gone = await rt.request().post('/v1/privacy/acceptances/lookup').set(admin).send({ email: 'reader@example.org' });
    assert.deepEqual(gone.body.data, []);
  });
});
