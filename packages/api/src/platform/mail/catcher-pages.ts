import Handlebars from 'handlebars';
import type { CaughtMessage } from './caught-message.js';

// Everything an email brings (names, subjects, bodies, header values) goes through this before it
// reaches a page; only the email's own HTML is shown unescaped, inside a sandboxed frame.
const e = (value: unknown): string => Handlebars.Utils.escapeExpression(value === null || value === undefined ? '' : String(value));

const style = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d232a;background:#f6f7f9}
header{background:#1d3557;color:#fff;padding:10px 20px}header a{color:#fff;text-decoration:none;font-weight:600}
main{padding:16px 20px;max-width:1100px}table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #e3e6ea;vertical-align:top}
th{background:#eef1f4;font-weight:600}td.subject a{color:#1d3557;font-weight:600}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;background:#fff;padding:12px;margin:0 0 14px}
dt{font-weight:600;color:#4b5563}dd{margin:0;word-break:break-word}
pre{white-space:pre-wrap;word-break:break-word;background:#fff;padding:12px;margin:0 0 14px;border:1px solid #e3e6ea}
iframe{width:100%;height:520px;border:1px solid #e3e6ea;background:#fff}h2{font-size:15px;margin:18px 0 6px}
.muted{color:#6b7280}
`;

function page(title: string, body: string, refresh = false): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${
    refresh ? '<meta http-equiv="refresh" content="5">' : ''
  }<title>${e(title)}</title><style>${style}</style></head><body><header><a href="/">CRM mail catcher</a></header><main>${body}</main></body></html>`;
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC') : '');

/** The inbox: newest first, refreshed every five seconds. */
export function renderMessageList(messages: readonly CaughtMessage[], limits: { maxMessages: number }): string {
  const rows = messages
    .map((m) => `<tr><td>${e(when(m.receivedAt))}</td><td>${e(m.from)}</td><td>${e(m.to)}</td><td class="subject"><a href="/messages/${m.id}">${e(m.subject || '(no subject)')}</a></td></tr>`)
    .join('');
  const body = messages.length
    ? `<table><thead><tr><th>received</th><th>from</th><th>to</th><th>subject</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p>No email yet. Everything the API sends (invitations, password resets, greetings, notifications) shows up here.</p>';
  return page(
    `Mail catcher (${messages.length})`,
    `<p class="muted">${messages.length} message(s), newest first; the last ${limits.maxMessages} are kept in memory until the catcher stops. JSON: <a href="/api/messages">/api/messages</a>.</p>${body}`,
    true,
  );
}

/** One message: its headers, the HTML as the recipient sees it (sandboxed), the HTML source and the text. */
export function renderMessagePage(m: CaughtMessage): string {
  const fields: [string, string][] = [
    ['From', m.from],
    ['To', m.to],
    ...(m.cc ? ([['Cc', m.cc]] as [string, string][]) : []),
    ['Subject', m.subject],
    ['Date', when(m.date)],
    ['Received', when(m.receivedAt)],
    ['Envelope', `${m.envelope.from} → ${m.envelope.to.join(', ')}`],
    ['Message-ID', m.messageId ?? ''],
    ...(m.headers['list-unsubscribe'] ? ([['List-Unsubscribe', m.headers['list-unsubscribe']]] as [string, string][]) : []),
    ...(m.attachments.length ? ([['Attachments', m.attachments.map((a) => `${a.filename ?? '(unnamed)'} (${a.contentType}, ${a.size} bytes)`).join('; ')]] as [string, string][]) : []),
  ];
  const head = `<dl>${fields.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl>`;
  const html = m.html
    ? `<h2>HTML</h2><iframe sandbox src="/messages/${m.id}/html" title="HTML body"></iframe><h2>HTML source</h2><pre>${e(m.html)}</pre>`
    : '';
  const headers = `<h2>All headers</h2><pre>${e(Object.entries(m.headers).map(([k, v]) => `${k}: ${v}`).join('\n'))}</pre>`;
  return page(m.subject || '(no subject)', `${head}${html}<h2>Text</h2><pre>${e(m.text)}</pre>${headers}<p><a href="/messages/${m.id}.eml">Download .eml</a></p>`);
}
