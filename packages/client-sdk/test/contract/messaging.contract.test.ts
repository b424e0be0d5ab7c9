// Notifications, templates, greetings, suppressions and mail settings against the real API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import { CrmNotFoundError } from '../../src/core/errors.js';
import { useLiveApi } from '../support/live-api.js';

const live = useLiveApi(import.meta.filename);

describe('crm.notifications', () => {
  it('should list my notifications, count the unread ones and mark them read and unread', async () => {
    const me = await live.crm.auth.me();
    for (const name of ['Spring sale', 'Summer sale']) {
      // A campaign owner is notified when their campaign goes live; publish that as the campaigns module does.
      await live.api.runtime.ctx.events.publish({
        type: 'campaign.activated',
        tenantId: live.api.agency.tenantId,
        resource: 'campaign',
        resourceId: randomBytes(12).toString('hex'),
        actor: null,
        record: { ownerId: me.user.id, name },
      });
    }
    assert.equal(await live.crm.notifications.unreadCount(), 2);
    const inbox = await live.crm.notifications.list({ unread: 'true' });
    assert.equal(inbox.data.length, 2);
    const first = inbox.data[0]!;
    assert.equal((await live.crm.notifications.markRead(first.id)).unreadCount, 1);
    assert.equal((await live.crm.notifications.markUnread(first.id)).unreadCount, 2);
    const cleared = await live.crm.notifications.markAllRead();
    assert.equal(cleared.updated, 2);
    assert.equal(cleared.unreadCount, 0);
    assert.equal((await live.crm.notifications.list()).data.length, 2);
  });
});

describe('crm.templates and crm.greetings', () => {
  it('should create, preview, update, list and remove a template', async () => {
    const contact = await live.crm.contacts.create({ firstName: 'Ada', lastName: 'Lovelace' });
    const template = await live.crm.templates.create({
      name: 'Welcome',
      category: 'greeting',
      subject: 'Welcome {{contact.firstName}}',
      html: '<p>Hello {{contact.firstName}}</p>',
      text: 'Hello {{contact.firstName}}',
    });
    assert.equal((await live.crm.templates.get(template.id)).name, 'Welcome');
    const rendered = await live.crm.templates.preview(template.id, { contactId: contact.id });
    assert.match(rendered.subject, /Welcome/);
    assert.equal((await live.crm.templates.update(template.id, { name: 'Warm welcome' })).name, 'Warm welcome');
    assert.ok((await live.crm.templates.list()).data.some((found) => found.id === template.id));
    await live.crm.templates.remove(template.id);
    await assert.rejects(live.crm.templates.get(template.id), CrmNotFoundError);
  });

  it('should schedule a greeting and cancel it', async () => {
    const contact = await live.crm.contacts.create({ firstName: 'Greeted', lastName: 'Person', emails: [{ value: 'greeted@example.test', label: 'work', primary: true }] });
    const template = await live.crm.templates.create({ name: 'Season', category: 'greeting', subject: 'Season greetings', html: '<p>Hi</p>', text: 'Hi' });
    const sendAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
    const greeting = await live.crm.greetings.create({ name: 'Season greetings', templateId: template.id, sendAt, targets: { contactIds: [contact.id] } });
    assert.equal((await live.crm.greetings.get(greeting.id)).name, 'Season greetings');
    assert.ok((await live.crm.greetings.list()).data.some((found) => found.id === greeting.id));
    const cancelled = await live.crm.greetings.cancel(greeting.id);
    assert.equal(cancelled.id, greeting.id);
  });
});

describe('message subscriptions', () => {
  it("should read and change a contact's and a customer's subscriptions", async () => {
    const contact = await live.crm.contacts.create({ firstName: 'Sub', lastName: 'Scriber', emails: [{ value: 'sub@example.test', label: 'work', primary: true }] });
    assert.equal((await live.crm.contacts.subscriptions(contact.id)).email, 'sub@example.test');
    const changed = await live.crm.contacts.setSubscription(contact.id, { category: 'marketing', channel: 'email', subscribed: false });
    assert.ok(changed.subscriptions.some((entry) => entry.category === 'marketing' && entry.channel === 'email' && !entry.subscribed));

    const account = await live.crm.customers.create({ name: 'Subscribed Ltd' });
    assert.ok(Array.isArray((await live.crm.customers.subscriptions(account.id)).subscriptions));
    const accountChanged = await live.crm.customers.setSubscription(account.id, { category: 'marketing', channel: 'inApp', subscribed: true });
    assert.ok(accountChanged.subscriptions.some((entry) => entry.category === 'marketing' && entry.channel === 'inApp' && entry.subscribed));
  });
});

describe('crm.suppressions and crm.mailSettings', () => {
  it('should suppress an address and lift it again', async () => {
    const added = await live.crm.suppressions.add({ email: 'no-mail@example.test', reason: 'asked by phone' });
    assert.equal(added.email, 'no-mail@example.test');
    assert.ok((await live.crm.suppressions.list()).data.some((found) => found.email === 'no-mail@example.test'));
    await live.crm.suppressions.remove('no-mail@example.test');
    assert.ok(!(await live.crm.suppressions.list()).data.some((found) => found.email === 'no-mail@example.test'));
  });

  it("should set, read and remove the agency's and my own mail settings without ever returning the password", async () => {
    const settings = { host: 'smtp.example.test', port: 587, username: 'mailer', password: 'smtp-secret', fromEmail: 'sales@example.test', fromName: 'Sales' };
    const agency = await live.crm.mailSettings.replace(settings);
    assert.equal(agency.host, 'smtp.example.test');
    assert.ok(!JSON.stringify(await live.crm.mailSettings.get()).includes('smtp-secret'));
    await live.crm.mailSettings.remove();

    const mine = await live.crm.mailSettings.replaceMine({ ...settings, fromName: 'Ada' });
    assert.equal(mine.fromName, 'Ada');
    assert.equal((await live.crm.mailSettings.getMine()).host, 'smtp.example.test');
    await live.crm.mailSettings.removeMine();
  });
});
