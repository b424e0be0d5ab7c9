// The record resources against the real API: every call of the standard record routes, as a user would make them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CrmConflictError, CrmNotFoundError, CrmPreconditionFailedError, CrmValidationError } from '../../src/core/errors.js';
import { useLiveApi } from '../support/live-api.js';

const live = useLiveApi(import.meta.filename);

describe('crm.contacts', () => {
  it('should create, get, update, list, transition, read the history, export and remove a contact', async () => {
    const created = await live.crm.contacts.create({ firstName: 'Ada', lastName: 'Lovelace', emails: [{ value: 'ada@example.test', label: 'work', primary: true }] });
    assert.equal(created.fullName, 'Ada Lovelace');
    assert.equal(created.status, 'new');

    assert.equal((await live.crm.contacts.get(created.id)).id, created.id);

    const updated = await live.crm.contacts.update(created.id, { jobTitle: 'Analyst' }, { ifMatch: created.version });
    assert.equal(updated.jobTitle, 'Analyst');
    assert.equal(updated.version, created.version + 1);

    const page = await live.crm.contacts.list({ q: 'Lovelace', limit: 10 });
    assert.deepEqual(page.data.map((contact) => contact.id), [created.id]);

    const hot = await live.crm.contacts.transition(created.id, { to: 'hot', note: 'asked for a demo' });
    assert.equal(hot.status, 'hot');
    const history = await live.crm.contacts.history(created.id);
    assert.deepEqual(history.map((change) => change.to).slice(-1), ['hot']);

    const csv = await live.crm.contacts.export({ q: 'Lovelace' });
    assert.equal(typeof csv, 'string');
    assert.match(csv, /Lovelace/);

    await live.crm.contacts.remove(created.id);
    await assert.rejects(live.crm.contacts.get(created.id), CrmNotFoundError);
  });

  it("should upload a contact's picture that an <img> can load without credentials, and remove it", async () => {
    const contact = await live.crm.contacts.create({ firstName: 'Pic', lastName: 'Ture' });
    // The smallest valid PNG header the API recognises by content, with a little payload.
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const withPicture = await live.crm.contacts.uploadPicture(contact.id, new Blob([png], { type: 'image/png' }));
    assert.ok(withPicture.pictureUrl);
    assert.equal((await live.crm.contacts.get(contact.id)).pictureUrl, withPicture.pictureUrl);
    const image = await fetch(new URL(new URL(withPicture.pictureUrl).pathname, live.api.baseUrl));
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    assert.deepEqual(new Uint8Array(await image.arrayBuffer()), png);

    const without = await live.crm.contacts.removePicture(contact.id);
    assert.equal(without.pictureUrl, null);
    assert.equal((await live.crm.contacts.get(contact.id)).pictureUrl, null);
  });

  it('should reject an illegal transition with the allowed targets', async () => {
    const contact = await live.crm.contacts.create({ firstName: 'Final', lastName: 'State' });
    await live.crm.contacts.transition(contact.id, { to: 'converted' });
    const error = await live.crm.contacts.transition(contact.id, { to: 'hot' }).catch((caught: unknown) => caught);
    assert.ok(error instanceof CrmConflictError);
    assert.equal(error.code, 'invalid_transition');
    assert.deepEqual(error.allowed, []);
  });
});

describe('crm.customers', () => {
  it('should run the record routes and the account tree', async () => {
    const parent = await live.crm.customers.create({ name: 'Acme Group' });
    const child = await live.crm.customers.create({ name: 'Acme Nordics' });
    assert.equal((await live.crm.customers.get(child.id)).name, 'Acme Nordics');

    const moved = await live.crm.customers.move(child.id, { parentId: parent.id });
    assert.equal(moved.parentId, parent.id);
    const subtree = await live.crm.customers.subtree(parent.id);
    assert.deepEqual(subtree.data.map((account) => account.id), [child.id]);
    const rollup = await live.crm.customers.rollup(parent.id);
    assert.equal(rollup.descendantCount, 1);

    const renamed = await live.crm.customers.update(parent.id, { industry: 'Manufacturing' }, { ifMatch: parent.version });
    assert.equal(renamed.industry, 'Manufacturing');
    assert.ok((await live.crm.customers.list({ q: 'Acme' })).data.length >= 2);
    assert.match(await live.crm.customers.export({ q: 'Acme' }), /Acme/);

    const workflow = await live.crm.workflows.get('customer');
    const target = workflow.transitions.find((transition) => transition.from === renamed.status)?.to;
    assert.ok(target, 'the customer workflow has a transition from the initial status');
    assert.equal((await live.crm.customers.transition(parent.id, { to: target })).status, target);
    assert.equal((await live.crm.customers.history(parent.id)).at(-1)?.to, target);

    assert.ok((await live.crm.timeline.list('customer', parent.id)).data.some((item) => item.kind === 'statusChange'));

    await live.crm.customers.move(child.id, { parentId: null });
    await live.crm.customers.remove(child.id);
    await assert.rejects(live.crm.customers.get(child.id), CrmNotFoundError);
  });

  it('should upload, list, download and remove a document', async () => {
    const account = await live.crm.customers.create({ name: 'Paperwork Inc' });
    const bytes = new TextEncoder().encode('%PDF-1.4 pretend');
    const stored = await live.crm.customers.uploadDocument(account.id, bytes, { fileName: 'contract.pdf', contentType: 'application/pdf' });
    assert.equal(stored.fileName, 'contract.pdf');
    assert.equal(stored.size, bytes.byteLength);

    const documents = await live.crm.customers.listDocuments(account.id);
    assert.deepEqual(documents.data.map((document) => document.id), [stored.id]);
    const blob = await live.crm.customers.downloadDocument(account.id, stored.id);
    assert.equal(await blob.text(), '%PDF-1.4 pretend');
    assert.match(blob.type, /application\/pdf/);

    await live.crm.customers.removeDocument(account.id, stored.id);
    assert.equal((await live.crm.customers.listDocuments(account.id)).data.length, 0);
  });
});

describe('crm.leads', () => {
  it('should run the record routes and convert a lead into a customer, a contact and an opportunity', async () => {
    const lead = await live.crm.leads.create({ kind: 'individual', firstName: 'Grace', lastName: 'Hopper', companyName: 'Navy' });
    assert.equal((await live.crm.leads.get(lead.id)).lastName, 'Hopper');
    const updated = await live.crm.leads.update(lead.id, { jobTitle: 'Rear admiral' }, { ifMatch: lead.version });
    assert.equal(updated.jobTitle, 'Rear admiral');
    assert.ok((await live.crm.leads.list({ q: 'Hopper' })).data.some((found) => found.id === lead.id));
    assert.match(await live.crm.leads.export({ q: 'Hopper' }), /Hopper/);
    const contacted = await live.crm.leads.transition(lead.id, { to: 'contacted' });
    assert.equal(contacted.status, 'contacted');
    assert.equal((await live.crm.leads.history(lead.id)).at(-1)?.to, 'contacted');

    const conversion = await live.crm.leads.convert(lead.id, { contactRole: 'Primary', opportunity: { name: 'First order', amount: 1000, currency: 'EUR' } });
    assert.equal(conversion.lead.status, 'converted');
    assert.equal((await live.crm.customers.get(conversion.customerId)).id, conversion.customerId);
    assert.equal((await live.crm.contacts.get(conversion.contactId)).lastName, 'Hopper');
    assert.ok(conversion.opportunityId);
    assert.equal((await live.crm.opportunities.get(conversion.opportunityId)).name, 'First order');

    const timeline = await live.crm.timeline.list('lead', lead.id);
    assert.ok(timeline.data.some((item) => item.kind === 'statusChange'));
  });

  it('should read and replace the lead settings', async () => {
    const settings = await live.crm.leads.getSettings();
    const participationTypes = [...settings.participationTypes, 'webinar'];
    assert.deepEqual((await live.crm.leads.updateSettings({ participationTypes })).participationTypes, participationTypes);

    const lead = await live.crm.leads.create({ kind: 'individual', firstName: 'Short', lastName: 'Lived' });
    await live.crm.leads.remove(lead.id);
    await assert.rejects(live.crm.leads.get(lead.id), CrmNotFoundError);
  });
});

describe('crm.pipelines and crm.opportunities', () => {
  it('should create a pipeline, move an opportunity through it with its version, and show the board', async () => {
    const pipeline = await live.crm.pipelines.create({
      name: 'Enterprise',
      stages: [
        { key: 'qualify', name: 'Qualify', probability: 10 },
        { key: 'proposal', name: 'Proposal', probability: 50 },
        { key: 'won', name: 'Won', probability: 100, kind: 'won' },
      ],
    });
    assert.equal((await live.crm.pipelines.get(pipeline.id)).name, 'Enterprise');
    assert.ok((await live.crm.pipelines.list()).data.some((found) => found.id === pipeline.id));
    const renamed = await live.crm.pipelines.update(pipeline.id, { description: 'Large accounts' });
    assert.equal(renamed.description, 'Large accounts');

    const deal = await live.crm.opportunities.create({ name: 'Big deal', pipelineId: pipeline.id, amount: 50_000, currency: 'EUR' });
    assert.equal(deal.stage, 'qualify');
    const moved = await live.crm.opportunities.move(deal.id, { stage: 'proposal', version: deal.version });
    assert.equal(moved.stage, 'proposal');

    const stale = await live.crm.opportunities.move(deal.id, { stage: 'won', version: deal.version }).catch((caught: unknown) => caught);
    assert.ok(stale instanceof CrmConflictError);
    assert.ok(!(stale instanceof CrmPreconditionFailedError), 'a stale version in the body stays 409');
    assert.equal(stale.code, 'version_conflict');
    assert.equal((stale.current as { stage?: string } | undefined)?.stage, 'proposal');

    const history = await live.crm.opportunities.history(deal.id);
    assert.ok(history.some((change) => change.toStage === 'proposal'));

    const board = await live.crm.pipelines.board(pipeline.id);
    const proposal = board.columns.find((column) => column.stage.key === 'proposal');
    assert.equal(proposal?.count, 1);
    const second = await live.crm.opportunities.create({ name: 'Second deal', pipelineId: pipeline.id, stage: 'proposal' });
    const narrow = await live.crm.pipelines.board(pipeline.id, { perStage: 1 });
    const column = narrow.columns.find((c) => c.stage.key === 'proposal')!;
    assert.deepEqual(column.opportunities.map((o) => o.id), [deal.id]);
    assert.ok(column.hasMore && column.nextCursor);
    const more = await live.crm.pipelines.boardColumn(pipeline.id, 'proposal', { cursor: column.nextCursor, limit: 1 });
    assert.deepEqual(more.data.map((o) => o.id), [second.id], 'the column goes on after the board, in board order');
    assert.equal(more.hasMore, false);
    await live.crm.opportunities.remove(second.id);

    const updated = await live.crm.opportunities.update(deal.id, { nextStep: 'Send the contract' }, { ifMatch: moved.version });
    assert.equal(updated.nextStep, 'Send the contract');
    assert.ok((await live.crm.opportunities.list({ pipelineId: pipeline.id })).data.some((found) => found.id === deal.id));
    assert.match(await live.crm.opportunities.export({ pipelineId: pipeline.id }), /Big deal/);
    assert.ok((await live.crm.timeline.list('opportunity', deal.id)).data.length >= 0);

    await live.crm.opportunities.remove(deal.id);
    await assert.rejects(live.crm.opportunities.get(deal.id), CrmNotFoundError);
    await live.crm.pipelines.remove(pipeline.id);
    await assert.rejects(live.crm.pipelines.get(pipeline.id), CrmNotFoundError);
  });
});

describe('crm.products', () => {
  it('should create, update, lock, unlock, list and remove a product', async () => {
    const product = await live.crm.products.create({ name: 'Loyalty programme', code: `LOY${Date.now() % 100000}` });
    assert.equal((await live.crm.products.get(product.id)).name, 'Loyalty programme');
    assert.equal((await live.crm.products.update(product.id, { description: 'Points for purchases' })).description, 'Points for purchases');
    assert.equal((await live.crm.products.lock(product.id)).locked, true);
    assert.equal((await live.crm.products.unlock(product.id)).locked, false);
    assert.ok((await live.crm.products.list({ q: 'Loyalty' })).data.some((found) => found.id === product.id));
    await live.crm.products.remove(product.id);
    await assert.rejects(live.crm.products.get(product.id), CrmNotFoundError);
  });
});

describe('crm.tasks and crm.activities', () => {
  it('should run the task and activity record routes about a lead, and show them on its timeline', async () => {
    const lead = await live.crm.leads.create({ kind: 'individual', firstName: 'Katherine', lastName: 'Johnson' });
    const task = await live.crm.tasks.create({ kind: 'todo', title: 'Send the brochure', subject: { type: 'lead', id: lead.id } });
    assert.equal((await live.crm.tasks.get(task.id)).title, 'Send the brochure');
    const retitled = await live.crm.tasks.update(task.id, { title: 'Send the new brochure' }, { ifMatch: task.version });
    assert.equal(retitled.title, 'Send the new brochure');
    assert.ok((await live.crm.tasks.list({ subjectId: lead.id })).data.some((found) => found.id === task.id));
    assert.match(await live.crm.tasks.export({ subjectId: lead.id }), /brochure/);
    const workflowKey = task.kind === 'call' ? 'callingTask' : undefined;
    const workflows = await live.crm.workflows.list();
    assert.ok(workflows.data.length > 0);
    if (workflowKey) assert.ok(workflows.data.some((workflow) => workflow.key === workflowKey));

    const activity = await live.crm.activities.create({ type: 'note', title: 'Met at the fair', subject: { type: 'lead', id: lead.id } });
    assert.equal((await live.crm.activities.get(activity.id)).title, 'Met at the fair');
    assert.equal((await live.crm.activities.update(activity.id, { body: 'Interested in the loyalty programme' })).body, 'Interested in the loyalty programme');
    assert.ok((await live.crm.activities.list({ subjectId: lead.id })).data.some((found) => found.id === activity.id));
    assert.match(await live.crm.activities.export({ subjectId: lead.id }), /fair/);

    const timeline = await live.crm.timeline.list('lead', lead.id, { limit: 1 });
    const kinds = new Set<string>();
    for await (const item of timeline) kinds.add(item.kind);
    assert.ok(kinds.has('activity'), `timeline kinds: ${[...kinds].join(', ')}`);

    await live.crm.activities.remove(activity.id);
    await live.crm.tasks.remove(task.id);
    await assert.rejects(live.crm.tasks.get(task.id), CrmNotFoundError);
  });

  it('should schedule a meeting from its proposed slots, by staff and then by the contact through the invitation token', async () => {
    const contact = await live.crm.contacts.create({ firstName: 'Meeting', lastName: 'Guest' });
    const slots = [
      { start: '2099-03-02T10:00:00.000Z', end: '2099-03-02T10:30:00.000Z' },
      { start: '2099-03-03T15:00:00.000Z', end: '2099-03-03T15:30:00.000Z' },
    ];
    const meeting = await live.crm.tasks.create({ kind: 'meeting', title: 'Intro meeting', location: 'Room 1', subject: { type: 'contact', id: contact.id }, proposedSlots: slots });
    const scheduled = await live.crm.tasks.chooseSlot(meeting.id, { start: slots[0]!.start, version: meeting.version });
    assert.equal(scheduled.status, 'scheduled');
    assert.deepEqual(scheduled.chosenSlot, slots[0]);

    const invitation = await live.crm.tasks.inviteToMeeting(meeting.id);
    assert.ok(invitation.path.endsWith(invitation.token));
    const seen = await live.crm.tasks.getMeetingInvitation(invitation.token);
    assert.deepEqual(seen.proposedSlots, slots);
    assert.equal(seen.location, 'Room 1');
    const picked = await live.crm.tasks.pickMeetingSlot(invitation.token, { start: slots[1]!.start });
    assert.deepEqual(picked.chosenSlot, slots[1]);
    const stored = await live.crm.tasks.get(meeting.id);
    assert.equal(stored.status, 'rescheduled');
    assert.deepEqual(stored.chosenSlot, slots[1]);
    await assert.rejects(live.crm.tasks.getMeetingInvitation('not-a-real-token-but-long-enough'), CrmNotFoundError);

    const timeline = await live.crm.timeline.list('contact', contact.id);
    assert.ok(timeline.data.some((item) => item.kind === 'task' && item.title === 'Intro meeting'), JSON.stringify(timeline.data));
  });

  it('should move a calling task along its workflow', async () => {
    const lead = await live.crm.leads.create({ kind: 'individual', firstName: 'Call', lastName: 'Me' });
    const call = await live.crm.tasks.create({ kind: 'call', title: 'First call', subject: { type: 'lead', id: lead.id } });
    const scheduled = await live.crm.tasks.transition(call.id, { to: 'scheduled', version: call.version });
    const when = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const rescheduled = await live.crm.tasks.transition(call.id, { to: 'rescheduled', dueAt: when, version: scheduled.version });
    assert.deepEqual([rescheduled.status, rescheduled.dueAt, rescheduled.version], ['rescheduled', when, scheduled.version + 1]);
    await assert.rejects(live.crm.tasks.transition(call.id, { to: 'done', dueAt: when }), (error: unknown) => error instanceof CrmValidationError && error.errors.some((f) => f.field === 'dueAt'));
    const done = await live.crm.tasks.transition(call.id, { to: 'done' });
    assert.equal(done.status, 'done');
    assert.equal((await live.crm.tasks.history(call.id)).at(-1)?.to, 'done');
  });
});

describe('crm.segments, crm.customFields and crm.workflows', () => {
  it('should save a segment and evaluate it with members and count', async () => {
    await live.crm.contacts.create({ firstName: 'Seg', lastName: 'Member', tags: ['vip'] });
    const segment = await live.crm.segments.create({ name: 'VIPs', resource: 'contact', filters: { tag: 'vip' } });
    assert.equal((await live.crm.segments.get(segment.id)).name, 'VIPs');
    assert.equal((await live.crm.segments.update(segment.id, { description: 'Our best contacts' })).description, 'Our best contacts');
    assert.ok((await live.crm.segments.list({ resource: 'contact' })).data.some((found) => found.id === segment.id));
    const counted = await live.crm.segments.count(segment.id);
    // A tag has no counter: the count is bounded, and exact here (capped: false) since it stopped short of the cap.
    assert.deepEqual({ count: counted.count, capped: counted.capped }, { count: 1, capped: false });
    const members = await live.crm.segments.members<{ lastName: string }>(segment.id);
    assert.deepEqual(members.data.map((member) => member.lastName), ['Member']);
    await live.crm.segments.remove(segment.id);
    await assert.rejects(live.crm.segments.get(segment.id), CrmNotFoundError);
  });

  it('should define a custom field that records then carry', async () => {
    const field = await live.crm.customFields.create({ resource: 'contact', key: 'tier', label: 'Tier', type: 'select', options: ['gold', 'silver'] });
    assert.equal((await live.crm.customFields.get(field.id)).key, 'tier');
    assert.equal((await live.crm.customFields.update(field.id, { label: 'Loyalty tier' })).label, 'Loyalty tier');
    assert.ok((await live.crm.customFields.list({ resource: 'contact' })).data.some((found) => found.id === field.id));
    const contact = await live.crm.contacts.create({ firstName: 'Gold', lastName: 'Member', custom: { tier: 'gold' } });
    assert.equal(contact.custom.tier, 'gold');
    await live.crm.customFields.remove(field.id);
    await assert.rejects(live.crm.customFields.get(field.id), CrmNotFoundError);
  });

  it('should read and replace a workflow', async () => {
    const workflow = await live.crm.workflows.get('contact');
    assert.ok((await live.crm.workflows.list()).data.some((found) => found.key === 'contact'));
    const replaced = await live.crm.workflows.replace('contact', {
      name: workflow.name,
      initial: workflow.initial,
      states: workflow.states,
      transitions: workflow.transitions.filter((transition) => transition.to !== 'cold'),
    }, { ifMatch: workflow.version });
    assert.ok(!replaced.transitions.some((transition) => transition.to === 'cold'));
    const stale = await live.crm.workflows.replace('contact', workflow, { ifMatch: workflow.version }).catch((caught: unknown) => caught);
    assert.ok(stale instanceof CrmPreconditionFailedError, 'a stale If-Match is a failed precondition (412)');
    assert.equal(stale.code, 'precondition_failed');
  });
});
