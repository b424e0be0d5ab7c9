// crm.tickets against the real API: the record routes, assignment, the thread and attachments, as an agent uses them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrmConflictError, CrmNotFoundError, CrmValidationError } from '../../src/core/errors.js';
import { Transport } from '../../src/core/transport.js';
import { PortalTickets } from '../../src/resources/portal-tickets.js';
import { importApiModule } from '../support/api-modules.js';
import { useLiveApi } from '../support/live-api.js';

const live = useLiveApi(import.meta.filename);

describe('crm.tickets', () => {
  it('should open, update, move, assign and list tickets by last update', async () => {
    const first = await live.crm.tickets.create({ subject: 'Invoice missing', priority: 'high', channel: 'email' });
    assert.equal(first.status, 'new');
    assert.equal(first.channel, 'email');
    const second = await live.crm.tickets.create({ subject: 'Login loop', channel: 'phone' });
    assert.equal(second.number, first.number + 1);

    const updated = await live.crm.tickets.update(first.id, { category: 'billing' }, { ifMatch: first.version });
    assert.equal(updated.category, 'billing');
    const page = await live.crm.tickets.list({ limit: 10 });
    assert.deepEqual(page.data.map((t) => t.id), [first.id, second.id]);

    const open = await live.crm.tickets.transition(second.id, { to: 'open' });
    assert.equal(open.status, 'open');
    await live.crm.tickets.transition(second.id, { to: 'closed' });
    await assert.rejects(live.crm.tickets.transition(second.id, { to: 'open' }), (error: unknown) => error instanceof CrmConflictError && error.code === 'invalid_transition');
    assert.deepEqual((await live.crm.tickets.history(second.id)).map((h) => h.to), ['new', 'open', 'closed']);

    const unassigned = await live.crm.tickets.assign(first.id, { ownerId: null });
    assert.equal(unassigned.ownerId, null);
    const byOwner = await live.crm.tickets.list({ ownerId: 'none', status: 'new' });
    assert.deepEqual(byOwner.data.map((t) => t.id), [first.id]);

    await assert.rejects(live.crm.tickets.create({ subject: '', channel: 'fax' } as never), (error: unknown) => error instanceof CrmValidationError && error.errors.some((e) => e.field === 'subject'));
    await assert.rejects(live.crm.tickets.get('0123456789abcdef01234567'), CrmNotFoundError);
  });

  it('should reply, add internal notes with an attachment, and page the thread', async () => {
    const ticket = await live.crm.tickets.create({ subject: 'Printer jam', channel: 'portal' });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const file = await live.crm.tickets.uploadAttachment(ticket.id, 'jam.png', new Blob([png], { type: 'image/png' }));
    assert.equal(file.contentType, 'image/png');
    const reply = await live.crm.tickets.reply(ticket.id, { body: 'Try turning it off and on', visibility: 'public' });
    const note = await live.crm.tickets.reply(ticket.id, { body: 'Known issue, see photo', visibility: 'internal', attachmentIds: [file.id] });
    assert.deepEqual(note.attachments.map((a) => a.name), ['jam.png']);
    const firstPage = await live.crm.tickets.listMessages(ticket.id, { limit: 1 });
    assert.deepEqual(firstPage.data.map((m) => m.id), [reply.id]);
    const all = [];
    for await (const message of live.crm.tickets.listMessages(ticket.id, { limit: 1 })) all.push(message.id);
    assert.deepEqual(all, [reply.id, note.id]);
    const blob = await live.crm.tickets.downloadAttachment(ticket.id, file.id);
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), png);
    const after = await live.crm.tickets.get(ticket.id);
    assert.equal(after.messageCount, 2);
    assert.equal(after.firstResponseAt, reply.createdAt);
  });
});

interface CustomerModels {
  customerUserModel(connection: unknown): { create(doc: Record<string, unknown>): Promise<{ _id: unknown }> };
}
interface SessionModels {
  sessionModel(connection: unknown): { create(doc: Record<string, unknown>): Promise<{ _id: unknown }> };
}
interface CustomerGuardModule {
  signCustomerAccessToken(secret: string, claims: { sub: string; tid: string; sid: string }): string;
}

/** A customer of the agency with a live portal session, and the tickets resource of that session. */
async function customerTickets(contactId: string, accountId: string): Promise<PortalTickets> {
  const { customerUserModel } = await importApiModule<CustomerModels>('src/modules/customer-portal/customer-user.model.ts');
  // Agents and customers share one session model, told apart by its audience.
  const { sessionModel } = await importApiModule<SessionModels>('src/modules/identity/session.model.ts');
  const { signCustomerAccessToken } = await importApiModule<CustomerGuardModule>('src/platform/auth/customer-guard.ts');
  const { Types } = await import('mongoose');
  const connection = (live.api.runtime.ctx as unknown as { connection: unknown }).connection;
  const tenantId = new Types.ObjectId(live.api.agency.tenantId);
  const email = `c${new Types.ObjectId().toHexString()}@example.test`;
  const user = await customerUserModel(connection).create({ tenantId, contactId: new Types.ObjectId(contactId), accountId: new Types.ObjectId(accountId), email, emailNormalized: email, name: 'Kim', role: 'customer', status: 'active' });
  const session = await sessionModel(connection).create({ tenantId, audience: 'customer', userId: user._id, expiresAt: new Date(Date.now() + 3_600_000) });
  const token = signCustomerAccessToken(live.api.runtime.ctx.secrets.jwt, { sub: String(user._id), tid: live.api.agency.tenantId, sid: String(session._id) });
  return new PortalTickets(new Transport({ baseUrl: live.api.baseUrl, fetch: live.api.fetchFrom(), tokenSource: { token: async () => token } }));
}

describe('crm.portal.tickets', () => {
  it("should open a ticket as a customer, see the agent's public reply but not the internal note, reply and close", async () => {
    const account = await live.crm.customers.create({ name: 'Portal Account' } as never);
    const contact = await live.crm.contacts.create({ firstName: 'Kim', lastName: 'Portal', customerId: account.id } as never);
    const portal = await customerTickets(contact.id, account.id);
    const ticket = await portal.create({ subject: 'Where is my order?' });
    assert.equal(ticket.channel, 'portal');
    await live.crm.tickets.reply(ticket.id, { body: 'Internal: courier delayed', visibility: 'internal' });
    await live.crm.tickets.reply(ticket.id, { body: 'It ships tomorrow', visibility: 'public' });
    const thread = await portal.listMessages(ticket.id);
    assert.deepEqual(thread.data.map((m) => m.body), ['It ships tomorrow']);
    const mine = await portal.list();
    assert.deepEqual(mine.data.map((t) => t.id), [ticket.id]);
    await portal.reply(ticket.id, { body: 'Thanks' });
    const closed = await portal.close(ticket.id);
    assert.equal(closed.status, 'closed');
    await assert.rejects(portal.reopen(ticket.id), CrmConflictError);
    await assert.rejects(portal.get('0123456789abcdef01234567'), CrmNotFoundError);
  });
});
