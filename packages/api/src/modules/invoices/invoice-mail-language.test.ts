import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { Types } from 'mongoose';
import { startSmtpSink, type SmtpSink } from '../../platform/mail/smtp-sink.js';
import { createTestRuntime, makeAgency, type TestAgency } from '../../testing/index.js';
import { createInvoiceMail, invoiceMailKey } from './invoice-mail.js';
import { invoiceMailModel, invoiceModel } from './invoice.model.js';
import { invoicingFor } from './testing/invoicing-runtime.js';

const messageIdOf = (raw: string) => /^message-id:\s*(<[^>]+>)/im.exec(raw)?.[1] ?? '';

/**
 * Issue 21: payment reminders in the account's language (else the agency's), and the operator's resend
 * of invoice mail left uncertain by a crash, exactly once.
 */
describe("invoice mail: reminders in the account's language, resending uncertain mail", () => {
  let rt: Awaited<ReturnType<typeof createTestRuntime>>;
  let agency: TestAgency;
  let other: TestAgency;
  let tenantId: Types.ObjectId;
  let sink: SmtpSink;
  let book: { id: string; services: { id: string; specs: { id: string }[] }[] };
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const inDays = (n: number) => day(new Date(Date.now() + n * 86_400_000));
  const account = async (name: string, email: string, preferences?: Record<string, unknown>) => {
    const res = await rt.request().post('/v1/customers').set(auth(agency.adminToken)).send({ name, emails: [{ label: 'billing', value: email, primary: true }], finance: { priceBookId: book.id, currency: 'EUR', paymentTermsDays: 14 }, ...(preferences ? { preferences } : {}) });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const invoice = async (accountId: string, dueDate: string) => {
    const res = await rt.request().post('/v1/invoices').set(auth(agency.adminToken)).send({ accountId, dueDate, lines: [{ serviceId: book.services[0]!.id, specId: book.services[0]!.specs[0]!.id, quantity: 1, taxRatePercent: 19 }] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as { id: string; displayNumber: string; dueDate: string; accountId: string };
  };
  const mailTo = async (address: string, key: string) => {
    const found = sink.messages.filter((m) => m.to.includes(address) && messageIdOf(m.raw).includes(key));
    assert.equal(found.length, 1, `one message to ${address} for ${key}, got ${found.length}`);
    return simpleParser(found[0]!.raw);
  };

  before(async () => {
    rt = await createTestRuntime({ file: import.meta.filename });
    agency = await makeAgency(rt);
    other = await makeAgency(rt);
    tenantId = new Types.ObjectId(agency.tenantId);
    sink = await startSmtpSink({});
    await rt.request().put('/v1/mail-settings').set(auth(agency.adminToken)).send({ host: '127.0.0.1', port: sink.port, secure: false, fromEmail: 'billing@agency.test', fromName: 'Acme Billing' }).expect(200);
    const created = await rt.request().post('/v1/price-books').set(auth(agency.adminToken)).send({ name: 'Standard', isDefault: true, services: [{ name: 'Translation', specs: [{ name: 'EN→DE', unit: 'hour', prices: [{ currency: 'EUR', unitPrice: 10_000 }] }] }] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    book = created.body;
  });
  after(async () => {
    await sink.stop();
    await rt.close();
  });

  it("should write each reminder in the account's language, else the agency's, and refuse bad languages", async () => {
    const badAccount = await rt.request().post('/v1/customers').set(auth(agency.adminToken)).send({ name: 'X', preferences: { language: 'German' } });
    assert.equal(badAccount.status, 400);
    assert.equal(badAccount.body.errors[0].field, 'preferences.language');
    const settings = await rt.request().get('/v1/dunning-settings').set(auth(agency.adminToken));
    const steps = settings.body.steps as { translations: { language: string }[] }[];
    assert.deepEqual(steps.map((s) => s.translations.map((t) => t.language)), [['de'], ['de'], ['de'], ['de']], 'the default schedule comes with German texts');
    const twice = await rt.request().put('/v1/dunning-settings').set(auth(agency.adminToken)).send({ enabled: true, steps: [{ ...steps[0], translations: [...steps[0]!.translations, { language: 'DE', subjectTemplate: 'x', bodyTemplate: 'y' }] }] });
    assert.equal(twice.status, 400);
    assert.equal(twice.body.errors[0].field, 'steps.0.translations.1.language');
    const badTemplate = await rt.request().put('/v1/dunning-settings').set(auth(agency.adminToken)).send({ enabled: true, steps: [{ ...steps[0], translations: [{ language: 'fr', subjectTemplate: '{{#if}}', bodyTemplate: 'y' }] }] });
    assert.equal(badTemplate.status, 400);
    assert.equal(badTemplate.body.errors[0].field, 'steps.0.translations.0.subjectTemplate');
    assert.equal((await rt.request().get('/v1/dunning-settings').set(auth(agency.adminToken))).body.version, settings.body.version, 'nothing was stored');

    const german = await account('Müller GmbH', 'ap@mueller.test', { language: 'de' });
    const austrian = await account('Wiener AG', 'ap@wiener.test', { language: 'de-AT' });
    const english = await account('Acme Ltd', 'ap@acme.test');
    assert.equal((await rt.request().get(`/v1/customers/${german}`).set(auth(agency.adminToken))).body.preferences.language, 'de');
    const dueDate = inDays(20);
    const [de, at, en] = [await invoice(german, dueDate), await invoice(austrian, dueDate), await invoice(english, dueDate)];
    const invoicing = invoicingFor(rt.ctx, 30_000);
    const due = new Date(`${dueDate}T09:00:00Z`);
    try {
      const run = await invoicing.runDunning(due);
      const ledger = await invoiceMailModel(rt.ctx.connection).find({ tenantId }).lean();
      assert.equal(run.sent, 3, `the on-due step of the three: ${JSON.stringify({ run, ledger: ledger.map((e) => [e._id, e.state, e.error]) })}`);
      const deMail = await mailTo('ap@mueller.test', `reminder.${de.id}.on-due`);
      assert.equal(deMail.subject, `Rechnung ${de.displayNumber} ist heute fällig`);
      assert.match(deMail.text ?? '', /^Guten Tag Müller GmbH,/);
      assert.match(deMail.text ?? '', /über 119,00\s€ ist heute fällig/, 'the amount formatted in German');
      const atMail = await mailTo('ap@wiener.test', `reminder.${at.id}.on-due`);
      assert.equal(atMail.subject, `Rechnung ${at.displayNumber} ist heute fällig`, 'de-AT gets the German text');
      const enMail = await mailTo('ap@acme.test', `reminder.${en.id}.on-due`);
      assert.equal(enMail.subject, `Invoice ${en.displayNumber} is due today`);
      assert.match(enMail.text ?? '', /over €119\.00 is due today/);

      // The agency's default language becomes German: an account without its own language follows it.
      await rt.request().patch('/v1/tenant').set(auth(agency.adminToken)).send({ locale: 'de' }).expect(200);
      assert.equal((await invoicing.runDunning(new Date(due.getTime() + 7 * 86_400_000))).sent, 3);
      const enLater = await mailTo('ap@acme.test', `reminder.${en.id}.overdue-7`);
      assert.equal(enLater.subject, `Zahlungserinnerung: Rechnung ${en.displayNumber} ist überfällig`);
      assert.match(enLater.text ?? '', /war am \d+\. \w+ \d{4} fällig/, 'the due day as a German date');
      await rt.request().patch('/v1/tenant').set(auth(agency.adminToken)).send({ locale: 'en' }).expect(200);
    } finally {
      await invoicing.close();
    }
  });

  it("should write the invoice mail and its reminders in the billing contact's language, else the account's, else the agency's", async () => {
    const bad = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName: 'Bad', lastName: 'Tag', language: 'Deutsch' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'language');
    const person = async (firstName: string, language?: string) => {
      const res = await rt.request().post('/v1/contacts').set(auth(agency.adminToken)).send({ firstName, lastName: 'Buchhaltung', ...(language ? { language } : {}) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: string; language: string | null };
    };
    const anna = await person('Anna', 'de');
    assert.equal(anna.language, 'de');
    const sales = await person('Sam', 'fr');
    const plain = await person('Pat');
    const billed = async (name: string, email: string, contacts: { contactId: string; role: string }[], preferences?: Record<string, unknown>) => {
      const res = await rt.request().post('/v1/customers').set(auth(agency.adminToken)).send({ name, emails: [{ label: 'billing', value: email, primary: true }], contacts, finance: { priceBookId: book.id, currency: 'EUR', paymentTermsDays: 14, autoSendInvoice: true }, ...(preferences ? { preferences } : {}) });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id as string;
    };
    // The account says English; its billing contact reads German, which wins. A contact of another role does not count.
    const byContact = await billed('Schmidt KG', 'ap@schmidt.test', [{ contactId: sales.id, role: 'Sales' }, { contactId: anna.id, role: 'Billing' }], { language: 'en' });
    // The billing contact has no language: the account's (German) is used.
    const byAccount = await billed('Weber GmbH', 'ap@weber.test', [{ contactId: plain.id, role: 'Billing' }], { language: 'de' });
    // Neither has one: the agency's (English).
    const byAgency = await billed('Jones Ltd', 'ap@jones.test', [{ contactId: plain.id, role: 'Billing' }, { contactId: sales.id, role: 'Decision maker' }]);
    const dueDate = inDays(25);
    const before = sink.messages.length;
    const [c, a, t] = [await invoice(byContact, dueDate), await invoice(byAccount, dueDate), await invoice(byAgency, dueDate)];
    await sink.waitForCount(before + 3);
    const cMail = await mailTo('ap@schmidt.test', `invoice.${c.id}`);
    assert.match(cMail.subject ?? '', new RegExp(`^Rechnung ${c.displayNumber} von`));
    assert.match(cMail.text ?? '', /^Guten Tag Schmidt KG,/);
    assert.match(cMail.text ?? '', /über 119,00\s€, fällig am \d+\. \w+ \d{4}\./, 'amount and due day in German');
    const aMail = await mailTo('ap@weber.test', `invoice.${a.id}`);
    assert.match(aMail.subject ?? '', new RegExp(`^Rechnung ${a.displayNumber} von`));
    const tMail = await mailTo('ap@jones.test', `invoice.${t.id}`);
    assert.match(tMail.subject ?? '', new RegExp(`^Invoice ${t.displayNumber} from`));
    assert.match(tMail.text ?? '', /over €119\.00, due on/);

    // The reminders follow the same rule.
    const invoicing = invoicingFor(rt.ctx, 30_000);
    try {
      await invoicing.runDunning(new Date(`${dueDate}T09:00:00Z`));
      assert.equal((await mailTo('ap@schmidt.test', `reminder.${c.id}.on-due`)).subject, `Rechnung ${c.displayNumber} ist heute fällig`);
      assert.equal((await mailTo('ap@weber.test', `reminder.${a.id}.on-due`)).subject, `Rechnung ${a.displayNumber} ist heute fällig`);
      assert.equal((await mailTo('ap@jones.test', `reminder.${t.id}.on-due`)).subject, `Invoice ${t.displayNumber} is due today`);

      // The billing contact's language is set to English: the next reminder is English although the account says German.
      await rt.request().patch(`/v1/contacts/${plain.id}`).set(auth(agency.adminToken)).send({ language: 'en' }).expect(200);
      await invoicing.runDunning(new Date(Date.parse(`${dueDate}T09:00:00Z`) + 7 * 86_400_000));
      assert.equal((await mailTo('ap@weber.test', `reminder.${a.id}.overdue-7`)).subject, `Reminder: invoice ${a.displayNumber} is overdue`);
    } finally {
      await invoicing.close();
    }
  });

  it('should list invoice mail left uncertain by a crash and resend each exactly once, only to its own agency', async () => {
    const Invoice = invoiceModel(rt.ctx.connection);
    await Invoice.updateMany({ tenantId }, { $set: { status: 'paid' } });
    const accountId = await account('Crashy Ltd', 'ap@crashy.test');
    const dueDate = inDays(30);
    const inv = await invoice(accountId, dueDate);
    const due = new Date(`${dueDate}T09:00:00Z`);
    const target = { tenantId, invoiceId: new Types.ObjectId(inv.id), accountId: new Types.ObjectId(accountId), kind: 'reminder' as const, step: 'on-due', userId: null };
    const key = invoiceMailKey(target);
    // A process that hands the reminder to its mail server and dies before hearing back (its send never answers, its lease ends).
    const dying = createInvoiceMail({ connection: rt.ctx.connection, leaseMs: 30_000, send: () => new Promise(() => {}), log: async () => {} });
    void dying.deliver(target, ['ap@crashy.test'], async () => ({ to: ['ap@crashy.test'], subject: 's', text: 't', html: 't', attachments: [] }));
    const Mail = invoiceMailModel(rt.ctx.connection);
    for (let i = 0; i < 200 && (await Mail.findOne({ tenantId, _id: key }).lean())?.state !== 'sending'; i += 1) await new Promise((r) => setTimeout(r, 25));
    await dying.stop();
    const invoicing = invoicingFor(rt.ctx, 30_000);
    try {
      const run = await invoicing.runDunning(due);
      assert.equal(run.uncertain, 1, JSON.stringify(run));
      assert.equal(run.sent, 0, 'the job never sends an uncertain message');
    } finally {
      await invoicing.close();
    }
    assert.equal(sink.messages.filter((m) => messageIdOf(m.raw).includes(`reminder.${inv.id}.on-due`)).length, 0);

    const listed = await rt.request().get('/v1/invoice-mail/uncertain').set(auth(agency.adminToken));
    assert.equal(listed.status, 200, JSON.stringify(listed.body));
    assert.deepEqual(listed.body.data.map((e: { key: string; kind: string; step: string; messageId: string }) => [e.key, e.kind, e.step, e.messageId]), [[key, 'reminder', 'on-due', `<reminder.${inv.id}.on-due@invoices.crm>`]]);
    assert.deepEqual((await rt.request().get('/v1/invoice-mail/uncertain').set(auth(other.adminToken))).body.data, [], 'another agency sees none of it');
    const otherResend = await rt.request().post('/v1/invoice-mail/resend-uncertain').set(auth(other.adminToken)).send({ keys: [key] });
    assert.equal(otherResend.body.resent, 0, "another agency cannot resend it");
    const bad = await rt.request().post('/v1/invoice-mail/resend-uncertain').set(auth(agency.adminToken)).send({ keys: ['reminder:nope'] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].field, 'keys.0');

    // Two operators press resend at once, and again: one message goes out.
    const answers = await Promise.all([0, 1].map(() => rt.request().post('/v1/invoice-mail/resend-uncertain').set(auth(agency.adminToken)).send({})));
    assert.deepEqual(answers.map((a) => a.status), [200, 200]);
    assert.equal(answers[0]!.body.resent + answers[1]!.body.resent, 1, JSON.stringify(answers.map((a) => a.body)));
    assert.equal((await rt.request().post('/v1/invoice-mail/resend-uncertain').set(auth(agency.adminToken)).send({})).body.resent, 0, 'a repeat resends nothing');
    const resent = await mailTo('ap@crashy.test', `reminder.${inv.id}.on-due`);
    assert.equal(resent.messageId, `<reminder.${inv.id}.on-due@invoices.crm>`, 'the same Message-ID as the uncertain attempt');
    assert.equal(resent.subject, `Invoice ${inv.displayNumber} is due today`);
    assert.equal((await Mail.findOne({ tenantId, _id: key }).lean())?.state, 'sent');
    assert.deepEqual((await rt.request().get('/v1/invoice-mail/uncertain').set(auth(agency.adminToken))).body.data, []);
  });
});
