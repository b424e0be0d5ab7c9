/**
 * Quote totals and quote PDFs (issue 21), run by hand, in process (no database): how many documents of
 * `--lines` lines the money code totals per second (integer minor units, BigInt rounding), and how many
 * quote PDFs pdfkit renders per second from the agency's default handlebars texts.
 *
 *   node --import tsx bench/quotes.ts [--documents 20000] [--lines 20] [--pdfs 200]
 *   node --import tsx bench/quotes.ts --documents 2000 --pdfs 20   (a quick check)
 *   node --import tsx bench/quotes.ts --documents 0 --pdfs 0 --accounts 10000   (the monthly invoice run)
 *
 * With `--accounts N` it also measures the monthly invoice run (modules/invoices/monthly-invoicing.ts)
 * on the tests' database (FerretDB 1.24 on the embedded PostgreSQL): N accounts invoiced per month, each
 * with `--orders-per-account` open orders of last month (3 lines each), one run of the real job function
 * (claim, invoice with the orders' lines, gapless number, orders marked), then a second run that must
 * find nothing left.
 *
 * Prints JSON; the figures go to bench/RESULTS.md by hand, with the command.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import { computeTotals, type LineInput } from '../packages/api/src/platform/money/money.js';
import { defaultQuoteTexts, quoteTemplateData, renderQuotePdf } from '../packages/api/src/modules/quotes/quote-document.js';
import type { Quote } from '../packages/api/src/modules/quotes/quote.model.js';

const { values } = parseArgs({ options: { documents: { type: 'string', default: '20000' }, lines: { type: 'string', default: '20' }, pdfs: { type: 'string', default: '200' }, accounts: { type: 'string', default: '0' }, 'orders-per-account': { type: 'string', default: '2' } } });
const documents = Number(values.documents);
const lineCount = Number(values.lines);
const pdfs = Number(values.pdfs);

// A deterministic spread of prices, quantities, discounts and rates (no Math.random: runs compare).
const lineSet = (d: number): LineInput[] =>
  Array.from({ length: lineCount }, (_, i) => ({ unitPrice: 100 + ((d * 31 + i * 17) % 90_000), quantityMilli: 500 + ((d + i) % 50) * 250, discountBp: ((d + i) % 5) * 250, taxRateBp: [0, 700, 1900][(d + i) % 3]! }));
const lines: LineInput[][] = Array.from({ length: documents }, (_, d) => lineSet(d));

let started = performance.now();
let checksum = 0;
for (const doc of lines) checksum += computeTotals(doc).total % 1000;
const totalsSeconds = (performance.now() - started) / 1000;

// The PDF's quote is the first document's lines, also with --documents 0 (the monthly run alone).
const sampleLines = lines[0] ?? lineSet(0);
const priced = computeTotals(sampleLines);
const quote = {
  ...priced,
  _id: new Types.ObjectId(),
  title: 'Globex – contracts',
  currency: 'EUR',
  revision: 1,
  validUntil: new Date('2027-01-31T00:00:00Z'),
  lines: sampleLines.map((l, i) => ({ ...l, ...priced.lines[i]!, serviceId: new Types.ObjectId(), specId: new Types.ObjectId(), description: `Translation, spec ${i + 1}`, unit: 'word', listPrice: l.unitPrice })),
} as unknown as Quote;
const settings = { accentColor: '#1f4e79', ...defaultQuoteTexts };
const data = quoteTemplateData(quote, { customerName: 'Globex GmbH', companyName: 'Acme Language Services', senderName: 'Rita Rep', locale: 'de' });
started = performance.now();
let bytes = 0;
for (let i = 0; i < pdfs; i++) bytes += (await renderQuotePdf(quote, settings, data, 'de')).length;
const pdfSeconds = (performance.now() - started) / 1000;

console.log(
  JSON.stringify(
    {
      documents,
      linesPerDocument: lineCount,
      totalsPerSecond: documents ? Math.round(documents / totalsSeconds) : null,
      linesPerSecond: documents ? Math.round((documents * lineCount) / totalsSeconds) : null,
      pdfs,
      pdfsPerSecond: pdfs ? Math.round((pdfs / pdfSeconds) * 10) / 10 : null,
      averagePdfBytes: Math.round(bytes / Math.max(1, pdfs)),
      checksum,
      ...(Number(values.accounts) > 0 ? { monthlyInvoicing: await monthlyRun(Number(values.accounts), Number(values['orders-per-account'])) } : {}),
      loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    null,
    2,
  ),
);

/** The monthly invoice run for `accounts` accounts, on a fresh database. */
async function monthlyRun(accounts: number, ordersPerAccount: number) {
  const { startTestDatabase } = await import('../packages/api/src/testing/test-database.js');
  const { testConfig } = await import('../packages/api/src/platform/config.js');
  const { startRuntime } = await import('../packages/api/src/runtime.js');
  const { invoicingFor } = await import('../packages/api/src/modules/invoices/testing/invoicing-runtime.js');
  const database = await startTestDatabase(() => {});
  const runtime = await startRuntime(testConfig({ LOG_LEVEL: 'silent', DB_QUERY_TIMEOUT_MS: '60000' }), { uri: database.uri, dbName: 'crm_bench_invoices', postgresUrl: database.postgresUrl });
  const db = runtime.ctx.connection.db!;
  const tenantId = new Types.ObjectId();
  const now = new Date();
  const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 10));
  const line = (i: number) => ({ serviceId: new Types.ObjectId(), specId: new Types.ObjectId(), description: `Hosting ${i}`, unit: 'month', quantityMilli: 1000, unitPrice: 10_000 + i, listPrice: 10_000 + i, discountBp: 0, taxRateBp: 1900, gross: 10_000 + i, discount: 0, net: 10_000 + i, unitCost: null });
  let seeded = performance.now();
  let orderNumber = 0;
  for (let from = 0; from < accounts; from += 1000) {
    const ids = Array.from({ length: Math.min(1000, accounts - from) }, () => new Types.ObjectId());
    await db.collection('customers').insertMany(ids.map((_id, i) => ({ _id, tenantId, name: `Account ${from + i}`, emails: [], finance: { currency: 'EUR', invoicingOption: 'perMonth', autoSendInvoice: false, paymentTermsDays: 30 }, createdAt: lastMonth, updatedAt: lastMonth })));
    await db.collection('orders').insertMany(
      ids.flatMap((accountId) =>
        Array.from({ length: ordersPerAccount }, () => {
          orderNumber += 1;
          const lines = [line(1), line(2), line(3)];
          const subtotal = lines.reduce((sum, l) => sum + l.net, 0);
          return { tenantId, accountId, sourceKey: `manual:${orderNumber}`, number: orderNumber, numberKey: `n:${orderNumber}`, currency: 'EUR', status: 'open', poNumber: null, lines, subtotal, total: subtotal, invoiceId: null, billing: 'open', version: 0, createdAt: lastMonth, updatedAt: lastMonth };
        }),
      ),
    );
  }
  const seedSeconds = (performance.now() - seeded) / 1000;
  const invoicing = invoicingFor(runtime.ctx, 10_000);
  let started = performance.now();
  const first = await invoicing.runMonthlyInvoicing(now);
  const runSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const second = await invoicing.runMonthlyInvoicing(now);
  const againSeconds = (performance.now() - started) / 1000;
  const numbers = (await db.collection('invoices').find({ tenantId }, { projection: { number: 1 } }).toArray()).map((i) => Number(i.number)).sort((a, b) => a - b);
  const gapless = numbers.length === accounts && numbers.every((n, i) => n === i + 1);
  await invoicing.close();
  await runtime.close();
  await database.stop();
  seeded = 0;
  return { accounts, ordersPerAccount, seedSeconds: Math.round(seedSeconds * 10) / 10, invoices: first.invoices, ordersInvoiced: first.orders, runSeconds: Math.round(runSeconds * 10) / 10, invoicesPerSecond: Math.round((first.invoices / runSeconds) * 10) / 10, secondRun: second, secondRunSeconds: Math.round(againSeconds * 10) / 10, numbersGapless: gapless };
}
