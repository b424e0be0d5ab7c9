// `npm run size`: the gzip size of what a partner page downloads, checked against the budget: the
// loader plus the signup widget (with the shared chunk: Lit and the SDK's publishable-key client) must
// stay within 15.25 KB gzip (15.25 × 1024 bytes; 15 KB until the signup form reserved its exact box and scrolled errors inside it, gzip level 9 as the SDK's size script measures).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 15.25 * 1024;
/** The whole customer portal (its own script, loaded by its own tag, and every lazy page) within 40 KB gzip. */
export const PORTAL_BUDGET_BYTES = 40 * 1024;
const dist = fileURLToPath(new URL('../dist', import.meta.url));

/** Every file the given entry pulls in (itself plus the chunks it imports statically). */
function closure(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  const code = readFileSync(join(dist, file), 'utf8');
  for (const match of code.matchAll(/(?:from|import)\s*["'`]\.\/([\w.-]+\.js)["'`]/g)) closure(match[1], seen);
  return seen;
}

const sizeOf = (file) => {
  const code = readFileSync(join(dist, file));
  return { raw: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength, brotli: brotliCompressSync(code).byteLength };
};

/** The sizes of the loader + signup widget, and of the card widget on top. */
export function measure() {
  const files = readdirSync(dist).filter((f) => f.endsWith('.js') && statSync(join(dist, f)).isFile());
  const table = Object.fromEntries(files.map((f) => [f, sizeOf(f)]));
  const signup = new Set(['crm-widgets.js', ...closure('crm-referral-signup.js')]);
  const sum = (set) => [...set].reduce((a, f) => ({ raw: a.raw + table[f].raw, gzip: a.gzip + table[f].gzip, brotli: a.brotli + table[f].brotli }), { raw: 0, gzip: 0, brotli: 0 });
  const cardOnly = new Set([...closure('crm-campaign-card.js')].filter((f) => !signup.has(f)));
  const portalFiles = new Set([...closure('crm-customer-portal.js'), ...files.filter((f) => f.startsWith('crm-customer-portal-page-')).flatMap((f) => [...closure(f)])]);
  return { table, signup: sum(signup), signupFiles: [...signup], card: sum(cardOnly), portal: sum(portalFiles), portalFiles: [...portalFiles] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { table, signup, signupFiles, card, portal, portalFiles } = measure();
  const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
  console.log('file'.padEnd(40), 'minified'.padStart(10), 'gzip'.padStart(10), 'brotli'.padStart(10));
  for (const [file, s] of Object.entries(table)) console.log(file.padEnd(40), kb(s.raw).padStart(10), kb(s.gzip).padStart(10), kb(s.brotli).padStart(10));
  console.log(`\nloader + signup widget (${signupFiles.join(' + ')}): ${kb(signup.gzip)} gzip, ${kb(signup.brotli)} brotli, ${kb(signup.raw)} minified`);
  console.log(`campaign card on top: ${kb(card.gzip)} gzip`);
  const portalOk = portal.gzip <= PORTAL_BUDGET_BYTES;
  console.log(`whole customer portal (${portalFiles.length} files, every page): ${kb(portal.gzip)} gzip; budget ${kb(PORTAL_BUDGET_BYTES)}: ${portalOk ? 'within' : 'OVER'}`);
  const ok = signup.gzip <= BUDGET_BYTES && portalOk;
  console.log(`budget ${kb(BUDGET_BYTES)} gzip: ${signup.gzip <= BUDGET_BYTES ? 'within' : 'OVER'} (${kb(BUDGET_BYTES - signup.gzip)} left)`);
  process.exit(ok ? 0 : 1);
}
