import { createHash } from 'node:crypto';

/** What the double opt-in page shows: the agency's brand, the campaign, and how it went. */
export interface ConfirmationPage {
  /** The agency (tenant) whose campaign it is: its name is the page's brand. */
  agencyName: string | null;
  campaignTitle: string | null;
  /** The agency's language (`en`, `de`...): the page's `lang` and its fixed sentences. */
  locale: string;
  /** The campaign's own thank-you message, or null for the standard sentence. */
  message: string | null;
  /** True when the link was not valid or has expired. */
  failed?: boolean;
  /** Why it failed, as the API says it. */
  reason?: string;
}

const sentences = {
  en: { confirmed: 'Signup confirmed', thanks: 'Thank you, your signup is confirmed.', failed: 'This link did not work', again: 'Sign up again on the page where you found the offer; we will send you a new link.', footer: 'You can close this page.' },
  de: { confirmed: 'Anmeldung bestätigt', thanks: 'Vielen Dank, Ihre Anmeldung ist bestätigt.', failed: 'Dieser Link hat nicht funktioniert', again: 'Melden Sie sich auf der Seite, auf der Sie das Angebot gefunden haben, erneut an; wir senden Ihnen einen neuen Link.', footer: 'Sie können diese Seite schließen.' },
} as const;

// The page's only style, allowed by its hash: no inline style attributes, no outside files, no scripts.
const style = `
:root { color-scheme: light dark; --brand: #0a6b5a; --ink: #14201d; --muted: #4d5c58; --page: #f4f7f6; --card: #ffffff; --line: #d3ddd9; }
@media (prefers-color-scheme: dark) { :root { --brand: #7ad9c0; --ink: #e2ece8; --muted: #a9bbb5; --page: #0e1513; --card: #151f1c; --line: #2c3b37; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem; background: var(--page); color: var(--ink); font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { width: min(30rem, 100%); background: var(--card); border: 1px solid var(--line); border-top: 6px solid var(--brand); border-radius: 12px; padding: 2rem 1.5rem; box-shadow: 0 12px 32px rgb(0 0 0 / 0.08); }
.brand { display: flex; align-items: center; gap: 0.75rem; margin: 0 0 1.5rem; font-weight: 700; font-size: 1.1rem; }
.mark { display: inline-grid; place-items: center; width: 2.5rem; height: 2.5rem; border-radius: 10px; background: var(--brand); color: var(--card); font-size: 1.25rem; }
h1 { margin: 0 0 0.25rem; font-size: 1.5rem; line-height: 1.25; }
.campaign { margin: 0 0 1rem; color: var(--muted); }
p { margin: 0 0 1rem; overflow-wrap: anywhere; }
.footer { margin: 1.5rem 0 0; color: var(--muted); font-size: 0.875rem; }
.failed { border-top-color: #b3261e; }
`;
const styleHash = createHash('sha256').update(style).digest('base64');

/** Everything the page sends along: nothing but its own style may run or load. */
export const confirmationPagePolicy = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page a person sees after clicking the double opt-in link, with every value escaped. */
export function renderConfirmationPage(page: ConfirmationPage): string {
  const language = page.locale.toLowerCase().split('-')[0] === 'de' ? 'de' : 'en';
  const say = sentences[language];
  const agency = page.agencyName?.trim() || '';
  const heading = page.failed ? say.failed : say.confirmed;
  const body = page.failed ? [page.reason ? `${page.reason}.` : '', say.again].filter(Boolean) : [page.message?.trim() || say.thanks];
  const title = [heading, agency].filter(Boolean).join(' · ');
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<main${page.failed ? ' class="failed"' : ''}>
${agency ? `<p class="brand"><span class="mark" aria-hidden="true">${escapeHtml(Array.from(agency)[0]!.toUpperCase())}</span><span>${escapeHtml(agency)}</span></p>` : ''}
<h1>${escapeHtml(heading)}</h1>
${page.campaignTitle ? `<p class="campaign">${escapeHtml(page.campaignTitle)}</p>` : ''}
${body.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<p class="footer">${escapeHtml(say.footer)}</p>
</main>
</body>
</html>
`;
}
