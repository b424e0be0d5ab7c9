import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Types } from 'mongoose';
import { createTestRuntime, makeAgency } from '../../testing/index.js';
import { TEST_PASSWORD } from '../../testing/factories.js';
import { suppressionHash, suppressionKeyFrom } from '../privacy/suppression.js';
import { rotateEncryptionKey, SEALED_FIELDS } from './rotate-keys.js';
import { createSecretBox } from './secret-box.js';

const A = randomBytes(32);
const B = randomBytes(32);

describe('ENCRYPTION_KEY rotation', () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let rtB: Awaited<ReturnType<typeof createTestRuntime>> | undefined;
  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename, env: { ENCRYPTION_KEY: A.toString('base64') } });
  });
  after(async () => {
    await rtB?.close();
    await rt?.close();
  });

  it('reads ciphertexts of the previous key during the overlap and signs only with the current one', () => {
    const boxA = createSecretBox(A);
    const overlap = createSecretBox(B, [A]);
    const sealedA = boxA.encrypt('smtp-password');
    assert.match(sealedA, new RegExp(`^v2:${boxA.keyId}:`));
    assert.equal(overlap.decrypt(sealedA), 'smtp-password');
    assert.equal(overlap.isCurrent(sealedA), false);
    assert.equal(overlap.isCurrent(overlap.reseal(sealedA)), true);
    // The format before key ids is read under any configured key.
    const legacy = ['v1', ...sealedA.split(':').slice(2)].join(':');
    assert.equal(overlap.decrypt(legacy), 'smtp-password');
    assert.throws(() => createSecretBox(B).decrypt(sealedA), /ENCRYPTION_KEY_PREVIOUS/);
    assert.throws(() => createSecretBox(B).decrypt(legacy), /ENCRYPTION_KEY_PREVIOUS/);
    // Links signed before the rotation still verify during the overlap, not after.
    const signature = boxA.sign('unsubscribe', 'token');
    assert.equal(overlap.verify('unsubscribe', 'token', signature), true);
    assert.equal(createSecretBox(B).verify('unsubscribe', 'token', signature), false);
    assert.notEqual(overlap.sign('unsubscribe', 'token'), signature);
  });

  it('re-encrypts every stored secret idempotently; the old key is then removable and erased people stay refused', async () => {
    const agency = await makeAgency(rt);
    const tenantId = new Types.ObjectId(agency.tenantId);
    const db = rt.ctx.connection.db!;
    const boxA = createSecretBox(A);
    const legacy = (plain: string) => ['v1', ...boxA.encrypt(plain).split(':').slice(2)].join(':');
    const ids = Array.from({ length: 3 }, () => new Types.ObjectId());
    await db.collection('mailSettings').insertOne({ _id: ids[0], tenantId, host: 'smtp.example.com', passwordSealed: legacy('smtp-secret') });
    await db.collection('webhookSubscriptions').insertOne({ _id: ids[1], tenantId, url: 'https://hooks.example.com/x', secrets: [{ sealed: boxA.encrypt('whsec_new'), createdAt: new Date(), expiresAt: null }, { sealed: boxA.encrypt('whsec_old'), createdAt: new Date(), expiresAt: new Date(Date.now() + 3600_000) }] });
    await db.collection('mailwizzSettings').insertOne({ _id: ids[2], tenantId, apiUrl: 'https://mw.example.com/api', publicKeySealed: boxA.encrypt('mw-public'), privateKeySealed: boxA.encrypt('mw-private') });
    // An erasure from before the suppression key was pinned: hashed with the key derived from A.
    await db.collection('platform_keys').deleteMany({});
    await db.collection('privacy_suppressions').insertOne({ tenantId, kind: 'email', hash: suppressionHash(suppressionKeyFrom(A), tenantId, 'email', 'gone@example.org'), requestId: null, createdAt: new Date() });

    const first = await rotateEncryptionKey(rt.ctx.connection, { current: B, previous: [A] });
    assert.equal(first.resealed, 5, JSON.stringify(first.fields)); // 1 password + 2 webhook secrets + 2 Mailwizz keys
    assert.equal(first.fields['platform_keys.sealed']!.current, 1, 'the suppression key was pinned, sealed under B');
    assert.equal(first.stale, 0);
    const again = await rotateEncryptionKey(rt.ctx.connection, { current: B, previous: [A] });
    assert.equal(again.resealed, 0, 'a second run changes nothing');
    assert.equal(Object.keys(again.fields).length, SEALED_FIELDS.length);

    // Everything opens with B alone; nothing with A.
    const boxB = createSecretBox(B);
    const mail = await db.collection('mailSettings').findOne({ _id: ids[0] });
    const hook = await db.collection('webhookSubscriptions').findOne({ _id: ids[1] });
    const mw = await db.collection('mailwizzSettings').findOne({ _id: ids[2] });
    assert.equal(boxB.decrypt(mail!.passwordSealed), 'smtp-secret');
    assert.deepEqual(hook!.secrets.map((s: { sealed: string }) => boxB.decrypt(s.sealed)), ['whsec_new', 'whsec_old']);
    assert.ok(hook!.secrets[1].expiresAt instanceof Date, 'the rest of each element is kept');
    assert.deepEqual([boxB.decrypt(mw!.publicKeySealed), boxB.decrypt(mw!.privateKeySealed)], ['mw-public', 'mw-private']);
    assert.throws(() => boxA.decrypt(mail!.passwordSealed));

    // An API with ENCRYPTION_KEY=B and no previous key still refuses the person erased under A.
    rtB = await createTestRuntime({ file: import.meta.filename, env: { ENCRYPTION_KEY: B.toString('base64') }, dbName: rt.dbName });
    const login = await rtB.request().post('/v1/auth/login').set('X-Forwarded-For', '10.7.7.7').send({ email: agency.adminEmail, password: TEST_PASSWORD });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const refused = await rtB.request().post('/v1/contacts').set({ Authorization: `Bearer ${login.body.accessToken}` }).send({ firstName: 'G', lastName: 'One', emails: [{ value: 'Gone@example.org', primary: true }] });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.equal(refused.body.errors[0].code, 'suppressed');
  });
});
