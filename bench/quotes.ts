/**
 * Quote totals and quote PDFs (issue 21), run by hand, in process (no database): how many documents of
 * `--lines` lines the money code totals per second (integer minor units, BigInt rounding), and how many
 * quote PDFs pdfkit renders per second from the agency's default handlebars texts.
 *
 *   node --import tsx bench/quotes.ts [--documents 20000] [--lines 20] [--pdfs 200]
 *   node --import tsx bench/quotes.ts --documents 2000 --pdfs 20   (a quick check)
 *
 * Prints JSON; the figures go to bench/RESULTS.md by hand, with the command.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Types } from 'mongoose';
import { computeTotals, type LineInput } from '../packages/api/src/platform/money/money.js';
import { defaultQuoteTexts, quoteTemplateData, renderQuotePdf } from '../packages/api/src/modules/quotes/quote-document.js';
import type { Quote } from '../packages/api/src/modules/quotes/quote.model.js';

const { values } = parseArgs({ options: { documents: { type: 'string', default: '20000' }, lines: { type: 'string', default: '20' }, pdfs: { type: 'string', default: '200' } } });
const documents = Number(values.documents);
const lineCount = Number(values.lines);
const pdfs = Number(values.pdfs);

// A deterministic spread of prices, quantities, discounts and rates (no Math.random: runs compare).
const lines: LineInput[][] = Array.from({ length: documents }, (_, d) =>
  Array.from({ length: lineCount }, (_, i) => ({ unitPrice: 100 + ((d * 31 + i * 17) % 90_000), quantityMilli: 500 + ((d + i) % 50) * 250, discountBp: ((d + i) % 5) * 250, taxRateBp: [0, 700, 1900][(d + i) % 3]! })),
);

let started = performance.now();
let checksum = 0;
for (const doc of lines) checksum += computeTotals(doc).total % 1000;
const totalsSeconds = (performance.now() - started) / 1000;

const priced = computeTotals(lines[0]!);
const quote = {
  ...priced,
  _id: new Types.ObjectId(),
  title: 'Globex – contracts',
  currency: 'EUR',
  revision: 1,
  validUntil: new Date('2027-01-31T00:00:00Z'),
  lines: lines[0]!.map((l, i) => ({ ...l, ...priced.lines[i]!, serviceId: new Types.ObjectId(), specId: new Types.ObjectId(), description: `Translation, spec ${i + 1}`, unit: 'word', listPrice: l.unitPrice })),
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
      totalsPerSecond: Math.round(documents / totalsSeconds),
      linesPerSecond: Math.round((documents * lineCount) / totalsSeconds),
      pdfs,
      pdfsPerSecond: Math.round((pdfs / pdfSeconds) * 10) / 10,
      averagePdfBytes: Math.round(bytes / Math.max(1, pdfs)),
      checksum,
      loadavg: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    null,
    2,
  ),
);
