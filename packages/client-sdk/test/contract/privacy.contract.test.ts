// GDPR / CCPA requests through the signed-in client (crm.privacy): look-up, export, the typed erasure and
// what it leaves (a refusal of the same address), retention rules, and a role without the permission.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCrmClient, type CrmClient } from '../../src/core/client.js';
import { CrmConflictError, CrmPermissionError, CrmValidationError } from '../../src/core/errors.js';
import { startLiveApi, testPassword, type LiveApi } from '../support/live-api.js';

let api: LiveApi;
let crm: CrmClient;

before(async () => {
  api = await startLiveApi({ file: import.meta.filename });
  crm = api.adminClient();
});
after(async () => {
  await api?.close();
});

describe('crm.privacy', () => {
  it('should look up, export and erase a person, then refuse the address with the field named', async () => {
    const email = `privacy-${Date.now()}@example.org`;
    const contact = await crm.contacts.create({ firstName: 'Petra', lastName: 'Private', emails: [{ label: 'work', value: email, primary: true }] });
    await crm.activities.create({ type: 'note', title: 'Met Petra', subject: { type: 'contact', id: contact.id }, occurredAt: new Date().toISOString() });

    const held = await crm.privacy.lookup({ email });
    assert.equal(held.found, true);
    assert.equal(held.counts.contacts, 1);
    assert.equal(held.counts.activities, 1);
    const exported = await crm.privacy.export({ email });
    assert.equal(exported.request.type, 'export');
    assert.equal((exported.data.contacts![0] as { _id: string })._id, contact.id);

    await assert.rejects(crm.privacy.erase({ email }, 'erase'), (error) => error instanceof CrmValidationError && error.errors[0]?.field === 'confirmation');
    const erased = await crm.privacy.erase({ email }, 'ERASE', { idempotencyKey: `erase-${email}` });
    assert.equal(erased.status, 'completed');
    assert.equal(erased.counts.contacts, 1);
    // A retry with the same key is refused, not run twice.
    await assert.rejects(crm.privacy.erase({ email }, 'ERASE', { idempotencyKey: `erase-${email}` }), CrmConflictError);
    const again = await crm.contacts.create({ firstName: 'P', lastName: 'P', emails: [{ label: 'work', value: email, primary: true }] }).catch((error: unknown) => error);
    assert.ok(again instanceof CrmValidationError);
    assert.equal(again.errors[0]?.field, 'emails.0.value');
    const history = await crm.privacy.requests();
    assert.deepEqual(history.slice(0, 2).map((r) => r.type), ['erasure', 'export']);
  });

  it('should keep retention rules and count a dry run', async () => {
    const rules = await crm.privacy.setRetention({ rules: [{ kind: 'lead', months: 12, enabled: true }] });
    assert.deepEqual(rules.rules, [{ kind: 'lead', months: 12, enabled: true }]);
    assert.deepEqual((await crm.privacy.retention()).rules, rules.rules);
    assert.deepEqual((await crm.privacy.retentionDryRun()).counts, { lead: 0 });
  });

  it('should answer a role without the privacy permission with CrmPermissionError', async () => {
    const member = await api.testing.makeUser(api.runtime, api.agency, { role: 'SALES_HEAD' });
    const sales = createCrmClient({ baseUrl: api.baseUrl, fetch: api.fetchFrom(), auth: { type: 'session', email: member.email, password: testPassword } });
    await assert.rejects(sales.privacy.lookup({ email: 'anyone@example.org' }), CrmPermissionError);
    await assert.rejects(sales.privacy.requests(), CrmPermissionError);
  });
});
