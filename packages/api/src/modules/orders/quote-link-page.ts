import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { AppError } from '../../platform/errors.js';
import { formatMoney } from '../../platform/money/money.js';
import type { AcceptanceService } from './acceptance.service.js';

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const strings = {
  en: {
    title: 'Quotation', validUntil: 'Valid until', item: 'Item', quantity: 'Quantity', net: 'Net', subtotal: 'Subtotal', tax: 'Tax', total: 'Total',
    accept: 'Accept the quote', reject: 'Reject the quote', po: 'Purchase order number (if you have one)', name: 'Your name', reason: 'Reason (optional)',
    accepted: 'Thank you: you accepted this quote. Your order number is {order}.', rejected: 'You rejected this quote. Thank you for letting us know.',
    used: 'This link was already used.', closed: 'This quote can no longer be accepted or rejected by this link.', invalid: 'This link is not valid. Use the link from the latest email.',
    decided: 'Decision: {decision} on {at}.', acceptedWord: 'accepted', rejectedWord: 'rejected', heldNote: 'The order awaits approval by the agency.',
  },
  de: {
    title: 'Angebot', validUntil: 'Gültig bis', item: 'Position', quantity: 'Menge', net: 'Netto', subtotal: 'Zwischensumme', tax: 'Steuer', total: 'Gesamt',
    accept: 'Angebot annehmen', reject: 'Angebot ablehnen', po: 'Bestellnummer (falls vorhanden)', name: 'Ihr Name', reason: 'Grund (optional)',
    accepted: 'Vielen Dank: Sie haben das Angebot angenommen. Ihre Auftragsnummer ist {order}.', rejected: 'Sie haben das Angebot abgelehnt. Danke für Ihre Rückmeldung.',
    used: 'Dieser Link wurde bereits verwendet.', closed: 'Dieses Angebot kann über diesen Link nicht mehr angenommen oder abgelehnt werden.', invalid: 'Dieser Link ist ungültig. Bitte verwenden Sie den Link aus der neuesten E-Mail.',
    decided: 'Entscheidung: {decision} am {at}.', acceptedWord: 'angenommen', rejectedWord: 'abgelehnt', heldNote: 'Der Auftrag wartet auf die Freigabe durch die Agentur.',
  },
} as const;

type Locale = keyof typeof strings;
const localeOf = (req: Request): Locale => (req.acceptsLanguages('en', 'de') === 'de' ? 'de' : 'en');
const fill = (text: string, values: Record<string, string>) => text.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

/** The page's policy: its own inline style (by nonce), forms posting back here, nothing else; never framed. */
const csp = (nonce: string) => `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

const css = `body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1rem;color:#1b1b1b;background:#fff}main{max-width:48rem;margin:0 auto}
table{width:100%;border-collapse:collapse;margin:1rem 0}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ccc}td.n,th.n{text-align:right}
form{margin:1rem 0;padding:1rem;border:1px solid #bbb;border-radius:.5rem}label{display:block;margin:.5rem 0 .25rem}input,textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem;border:1px solid #666;border-radius:.25rem}
button{margin-top:.75rem;font:inherit;padding:.6rem 1.2rem;border-radius:.3rem;border:2px solid #1f4e79;cursor:pointer;min-height:44px}button.primary{background:#1f4e79;color:#fff}button.secondary{background:#fff;color:#1f4e79}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #e8a317;outline-offset:2px}.notice{padding:1rem;border-left:4px solid #1f4e79;background:#eef3f8}
@media (max-width:480px){th.q,td.q{display:none}}@media (prefers-color-scheme:dark){body{background:#121212;color:#eee}.notice{background:#1d2833}input,textarea{background:#222;color:#eee}button.secondary{background:#121212;color:#9cc3ea;border-color:#9cc3ea}button.primary{background:#9cc3ea;color:#111;border-color:#9cc3ea}}`;

function page(res: Response, status: number, locale: Locale, title: string, body: string) {
  const nonce = randomBytes(16).toString('base64');
  res
    .status(status)
    .set({ 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp(nonce), 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' })
    .send(`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${css}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`);
}

/**
 * `/portal/quote-links/{token}`: the page the quote email's link opens, served by the API under a strict
 * policy. It shows the revision the link names and two buttons; each posts a form back here (no script),
 * which accepts or rejects through the same service as the API. Opening the page uses nothing up, so
 * mail scanners that follow links do not spend it.
 */
export function quoteLinkPageRouter(acceptance: AcceptanceService, limit: express.RequestHandler): Router {
  const router = express.Router();
  const token = (req: Request) => {
    const value = String(req.params.token ?? '');
    if (!/^[A-Za-z0-9._-]{10,300}$/.test(value)) throw new AppError('not_found', 'This quote link is not valid');
    return value;
  };

  router.get('/:token', limit, async (req, res) => {
    const t = strings[localeOf(req)];
    const locale = localeOf(req);
    let view;
    try {
      view = await acceptance.viewLink(token(req));
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return page(res, 404, locale, t.title, `<h1>${t.title}</h1><p class="notice" role="alert">${t.invalid}</p>`);
      throw error;
    }
    const q = view.quote;
    const money = (minor: number) => escapeHtml(formatMoney(minor, q.currency, locale));
    const rows = q.lines.map((l) => `<tr><td>${escapeHtml(l.description)}</td><td class="n q">${escapeHtml(l.quantity)} ${escapeHtml(l.unit)}</td><td class="n">${money(l.net)}</td></tr>`).join('');
    const taxes = q.taxes.map((x) => `<tr><th scope="row" colspan="2">${t.tax} ${escapeHtml(String(x.rateBp / 100))} %</th><td class="n">${money(x.amount)}</td></tr>`).join('');
    const action = `/portal/quote-links/${encodeURIComponent(token(req))}`;
    let decide = '';
    if (view.usable) {
      decide = `<form method="post" action="${action}/accept"><h2>${t.accept}</h2><label for="po">${t.po}</label><input id="po" name="poNumber" maxlength="100" autocomplete="off"><label for="an">${t.name}</label><input id="an" name="name" maxlength="200" autocomplete="name"><button class="primary" type="submit">${t.accept}</button></form>
<form method="post" action="${action}/reject"><h2>${t.reject}</h2><label for="reason">${t.reason}</label><textarea id="reason" name="reason" maxlength="1000" rows="3"></textarea><button class="secondary" type="submit">${t.reject}</button></form>`;
    } else if (q.decision) {
      decide = `<p class="notice" role="status">${fill(t.decided, { decision: q.decision.decision === 'accepted' ? t.acceptedWord : t.rejectedWord, at: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(q.decision.at)) })}</p>`;
    } else {
      decide = `<p class="notice" role="status">${view.used ? t.used : t.closed}</p>`;
    }
    const validUntil = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${q.validUntil}T00:00:00Z`));
    return page(res, 200, locale, `${t.title} ${q.number}`, `<p>${escapeHtml(view.agency)}</p>
<h1>${t.title} ${escapeHtml(q.number)}: ${escapeHtml(q.title)}</h1>
<p>${t.validUntil} ${escapeHtml(validUntil)}</p>
<table><thead><tr><th scope="col">${t.item}</th><th scope="col" class="n q">${t.quantity}</th><th scope="col" class="n">${t.net}</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th scope="row" colspan="2">${t.subtotal}</th><td class="n">${money(q.subtotal)}</td></tr>${taxes}<tr><th scope="row" colspan="2">${t.total}</th><td class="n"><strong>${money(q.total)}</strong></td></tr></tfoot></table>
${decide}`);
  });

  const decideRoute = (decision: 'accepted' | 'rejected') => async (req: Request, res: Response) => {
    const t = strings[localeOf(req)];
    const locale = localeOf(req);
    const form = (req.body ?? {}) as Record<string, unknown>;
    const text = (key: string, max: number) => (typeof form[key] === 'string' && (form[key] as string).trim() ? (form[key] as string).trim().slice(0, max) : undefined);
    try {
      const result = await acceptance.decideByLink(token(req), decision, decision === 'accepted' ? { poNumber: text('poNumber', 100) ?? null, name: text('name', 200) } : { reason: text('reason', 1000), name: text('name', 200) });
      const message = decision === 'accepted' ? fill(t.accepted, { order: result.order?.displayNumber ?? '' }) + (result.order?.status === 'pending_approval' ? ` ${t.heldNote}` : '') : t.rejected;
      return page(res, 200, locale, t.title, `<h1>${t.title} ${escapeHtml(result.quote.number)}</h1><p class="notice" role="status">${escapeHtml(message)}</p>`);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const reason = error.extensions.reason;
      const message = error.code === 'not_found' ? t.invalid : reason === 'link_used' ? t.used : error.message;
      return page(res, error.status, locale, t.title, `<h1>${t.title}</h1><p class="notice" role="alert">${escapeHtml(message)}</p><p><a href="/portal/quote-links/${encodeURIComponent(String(req.params.token ?? ''))}">${t.title}</a></p>`);
    }
  };
  const formBody = express.urlencoded({ extended: false, limit: '4kb' });
  router.post('/:token/accept', limit, formBody, decideRoute('accepted'));
  router.post('/:token/reject', limit, formBody, decideRoute('rejected'));
  return router;
}
