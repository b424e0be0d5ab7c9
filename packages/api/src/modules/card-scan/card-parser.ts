/**
 * Reading a business card's recognised text into a contact draft: a pure function of the lines, so every
 * rule is tested on plain text (card-parser.test.ts) and the OCR is tested apart. English and German
 * cards: names with academic titles and particles, job titles, company legal forms, emails, phones with
 * their labels (fax is kept but never the main number), street and postcode lines, the website.
 */

/** One recognised line: its text, the OCR's confidence (0-1) and the height of its letters in pixels. */
export interface CardLine {
  text: string;
  confidence?: number;
  height?: number;
}

/** A contact point as the contact create body has it. */
export interface CardContactPoint {
  label: string;
  value: string;
  primary: boolean;
}

/** What the card gives toward a contact create body; the person reviews it before saving. */
export interface CardDraft {
  firstName?: string;
  lastName?: string;
  jobTitle?: string;
  emails: CardContactPoint[];
  phones: CardContactPoint[];
  addresses: Array<{ label: string; line1?: string; postalCode?: string; city?: string; country?: string; primary: boolean }>;
  company?: { name?: string; website?: string };
}

/** The fields a card can fill, each with how sure the reading is (0-1), or null when the card had none. */
export const cardFields = ['name', 'jobTitle', 'company', 'emails', 'phones', 'address', 'website'] as const;
export type CardField = (typeof cardFields)[number];

export interface CardReading {
  contact: CardDraft;
  confidence: Record<CardField, number | null>;
}

const legalForms = /(?:^|[\s,])(GmbH(?:\s*&\s*Co\.?\s*KG(?:aA)?)?|gGmbH|mbH|AG|KGaA|KG|OHG|UG(?:\s*\(haftungsbeschränkt\))?|GbR|e\.\s?K\.?|e\.\s?V\.?|PartG(?:\s*mbB)?|SE|Ltd\.?|Limited|LLC|LLP|L\.?P\.|Inc\.?|Incorporated|Corp\.?|Corporation|PLC|plc|Co\.|S\.?A\.?|S\.?r\.?l\.?|B\.?V\.?|N\.?V\.?|Pty\.?(?:\s*Ltd\.?)?|AB|A\/S|Oy|GMBH|INC\.?|LTD\.?|LLC|CORP\.?|LIMITED)(?=$|[\s,.])/;
/** Job-title words, EN and DE; the DE ones tolerate an umlaut the OCR misread (Geschéaftsfiihrer). */
const titleWords = [
  /\b(ceo|cto|cfo|coo|cio|cmo|vp|svp|evp)\b/i,
  /\b(co-?founder|founder|owner|president|chair(man|woman|person)?|partner|principal)\b/i,
  /\b(managing director|director|head of|manager|lead|leader|chief|officer|executive|vice president)\b/i,
  /\b(engineer|developer|designer|architect|consultant|advisor|adviser|analyst|specialist|assistant|representative|coordinator|administrator|attorney|lawyer|accountant|scientist|researcher|sales|marketing|account)\b/i,
  /gesch\S{0,3}ftsf\S{0,3}hr(er|erin|ung)\b/i,
  /\b(\S*leiter(in)?|\S*leitung|inhaber(in)?|prokurist(in)?|vorstand\S*|berater(in)?|referent(in)?|ingenieur(in)?|entwickler(in)?|kundenbetreuer(in)?|sachbearbeiter(in)?|assistenz|vertrieb\S*|einkauf|buchhaltung|marketing|personal\S*|partner(in)?|gesellschafter(in)?|architekt(in)?|rechtsanwalt|rechtsanw\S{0,3}ltin|steuerberater(in)?|projektmanager(in)?|mitarbeiter(in)?)\b/i,
];
/** OCR spellings of DE titles put back right: the OCR often misreads an umlaut in a small font. */
const titleRepairs: Array<[RegExp, string]> = [[/gesch\S{0,3}ftsf\S{0,3}hr(erin|er|ung)/gi, 'Geschäftsführ$1']];
const honorifics = /^(dr\.?|prof\.?|dipl\.?-?\s?\S*|mag\.?|ing\.?|mr\.?|mrs\.?|ms\.?|miss|herr|frau|sir)$/i;
const suffixes = /^(mba|phd|ph\.d\.?|m\.?sc\.?|b\.?sc\.?|m\.?a\.?|b\.?a\.?|jr\.?|sr\.?|ll\.?m\.?|cpa|esq\.?)$/i;
const particles = new Set(['von', 'van', 'de', 'der', 'den', 'zu', 'vom', 'zum', 'da', 'di', 'del', 'la', 'le', 'ten', 'ter', 'mc']);
const freeMail = new Set(['gmail.com', 'googlemail.com', 'yahoo.com', 'yahoo.de', 'outlook.com', 'hotmail.com', 'live.com', 'icloud.com', 'me.com', 'gmx.de', 'gmx.net', 'web.de', 't-online.de', 'aol.com', 'proton.me', 'protonmail.com', 'posteo.de', 'mailbox.org', 'freenet.de']);
const countries: Record<string, string> = {
  germany: 'Germany', deutschland: 'Germany', austria: 'Austria', österreich: 'Austria', switzerland: 'Switzerland', schweiz: 'Switzerland',
  'united kingdom': 'United Kingdom', uk: 'United Kingdom', england: 'United Kingdom', 'great britain': 'United Kingdom',
  usa: 'United States', 'united states': 'United States', 'u.s.a.': 'United States', ireland: 'Ireland', netherlands: 'Netherlands', france: 'France', frankreich: 'France',
};
const streetWords = /(stra(ß|ss|b)e|str\.|weg|platz|allee|gasse|ring|damm|ufer|chaussee|markt|steig|pfad|hof|berg|street|st\.?|road|rd\.?|avenue|ave\.?|lane|ln\.?|drive|dr\.?|boulevard|blvd\.?|way|place|pl\.?|square|sq\.?|court|ct\.?|terrace|parkway|highway|row|close|crescent|gardens|wharf)$/i;
const emailPattern = /[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;
const webPattern = /\b((?:https?:\/\/)?(?:www\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.(?:[a-z]{2,24}))(\/[^\s]*)?\b/i;
/** A phone label and what it makes the number: a label the OCR read as a letter alone counts too (T, M, F). */
const phoneLabels: Array<[RegExp, string]> = [
  [/^(fax|telefax|f)\b\.?:?/i, 'fax'],
  [/^(mobil(e|telefon)?|handy|cell(ular)?|mob|m)\b\.?:?/i, 'mobile'],
  [/^(tel(efon|ephone)?|phone|ph|fon|office|direct|durchwahl|zentrale|t|p|d)\b\.?:?/i, 'work'],
];
const phoneNumber = /(?:\+|00)?\(?\d[\d\s()./-]{4,24}\d/;

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const clean = (s: string) => s.replace(/[‐‑–—]/g, '-').replace(/[|•·]+/g, ' | ').replace(/\s+/g, ' ').trim();
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : 1);
const round = (n: number) => Math.round(Math.max(0, Math.min(1, n)) * 100) / 100;

/** "+49 (0)30 123 45-67", "0049 30/1234567" → "+49 30 123 45-67", "+49 30 1234567" (what the contact schema takes). */
export function normalizePhone(raw: string): string | null {
  let s = raw.trim().replace(/\//g, ' ').replace(/\.(?=\d)/g, ' ');
  s = s.replace(/^00(?=[1-9])/, '+');
  // The trunk zero a German card puts in brackets after the country code is not dialled from abroad.
  s = s.replace(/^(\+\d{1,3})\s*\(0\)\s*/, '$1 ');
  s = s.replace(/[^+()\d\s.-]/g, '').replace(/\s+/g, ' ').trim();
  const digits = s.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 15 || s.length > 30) return null;
  return s;
}

function emailIn(text: string): string | null {
  // OCR reads "@" in a small font as "©" or "(at)" on cards that write it out; spaces around it are dropped.
  const s = text.replace(/\s*(?:\(at\)|\[at\]|©)\s*/gi, '@').replace(/\s*@\s*/g, '@');
  const match = emailPattern.exec(s);
  return match ? match[0].replace(/[.,;]+$/, '').toLowerCase() : null;
}

function websiteIn(text: string): string | null {
  if (text.includes('@')) return null;
  const s = text.replace(/^(web(site)?|internet|www|url|homepage|w)\s*[:.]?\s+/i, (m) => (/^www/i.test(m) ? m : ''));
  const match = webPattern.exec(s.trim());
  if (!match) return null;
  const host = match[1]!.replace(/^https?:\/\//i, '');
  // A bare "name.tld" is a website only when it looks like one: "www.", a scheme, or a line of its own.
  if (!/^(https?:\/\/|www\.)/i.test(match[1]!) && s.trim() !== match[0]) return null;
  if (/^\d/.test(host) || !/[a-z]/i.test(host.split('.').pop()!)) return null;
  return `https://${host.toLowerCase()}${match[2] ?? ''}`;
}

/** The phone numbers of one line, with their labels ("Tel. +49 30 12 | Fax +49 30 13"). */
function phonesIn(text: string): CardContactPoint[] {
  const out: CardContactPoint[] = [];
  // A label starts a new number: split before each one and at separators.
  const parts = text.split(/\s*\|\s*|\s{2,}|,\s*(?=\D)|(?=\b(?:tel|telefon|telephone|phone|fax|telefax|mobil|mobile|handy|cell|fon|t|m|f|p)\b\.?:?\s*[+(\d])/i).filter(Boolean);
  let label = 'work';
  for (const part of parts) {
    let rest = part.trim();
    for (const [pattern, name] of phoneLabels) {
      if (pattern.test(rest)) {
        label = name;
        rest = rest.replace(pattern, '').trim();
        break;
      }
    }
    const match = phoneNumber.exec(rest);
    if (!match) continue;
    const value = normalizePhone(match[0]);
    if (value) out.push({ label, value, primary: false });
    label = 'work';
  }
  return out;
}

interface Postcode {
  postalCode: string;
  city: string;
  country?: string;
}

function postcodeIn(text: string): Postcode | null {
  const s = text.trim().replace(/,$/, '');
  if (isStreet(s)) return null;
  let m = /^(?:(D|A|CH)[-\s])?(\d{4,5})\s+([\p{Lu}][\p{L} .'/()-]{1,40})$/u.exec(s);
  if (m) return { postalCode: m[2]!, city: m[3]!.trim(), ...(m[1] ? { country: { D: 'Germany', A: 'Austria', CH: 'Switzerland' }[m[1] as 'D'] } : {}) };
  // UK: "London EC1A 1BB", "EC1A 1BB London"
  m = /^([\p{Lu}][\p{L} .'-]{1,40}?)\s+([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})$/u.exec(s) ?? null;
  if (m) return { city: m[1]!.trim(), postalCode: m[2]!, country: 'United Kingdom' };
  m = /^([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\s+([\p{Lu}][\p{L} .'-]{1,40})$/u.exec(s);
  if (m) return { postalCode: m[1]!, city: m[2]!.trim(), country: 'United Kingdom' };
  // US: "Austin, TX 78701"
  m = /^([\p{Lu}][\p{L} .'-]{1,40}),\s*([A-Z]{2})\s+(\d{5}(?:-\d{4})?)$/u.exec(s);
  if (m) return { city: `${m[1]!.trim()}, ${m[2]}`, postalCode: m[3]!, country: 'United States' };
  return null;
}

function isStreet(text: string): boolean {
  const s = text.trim().replace(/,$/, '');
  if (/@/.test(s) || s.length > 80) return false;
  // DE: "Hauptstraße 12a", "Am Markt 3"; EN: "221B Baker Street", "10 Downing St."
  const de = /^([\p{L}][\p{L} .'-]+?)\s+(\d{1,4}\s?[a-z]?(?:\s?[-/]\s?\d{1,4}[a-z]?)?)$/iu.exec(s);
  if (de && (streetWords.test(de[1]!.trim()) || /^(am|an der|auf der|im|in der|zum|zur|an den)\s/i.test(de[1]!))) return true;
  const en = /^(\d{1,5}[a-z]?)\s+([\p{L}][\p{L} .'-]+)$/iu.exec(s);
  if (en && streetWords.test(en[2]!.trim())) return true;
  return /^(p\.?\s?o\.?\s?box|postfach)\s+\d+/i.test(s);
}

function countryIn(text: string): string | null {
  return countries[fold(text.trim().replace(/[.,]$/, ''))] ?? null;
}

function isTitle(text: string): boolean {
  return titleWords.some((p) => p.test(text));
}

function companyIn(text: string): boolean {
  return legalForms.test(text) && !/@/.test(text);
}

function repairTitle(text: string): string {
  return titleRepairs.reduce((s, [pattern, to]) => s.replace(pattern, (_, ending: string) => to.replace('$1', ending.toLowerCase())), text);
}

/** "Dr. Anna-Lena von Berg, MBA" → first "Anna-Lena", last "von Berg"; null when the line is not a name. */
export function splitName(text: string): { firstName: string; lastName: string } | null {
  const words = text.replace(/,/g, ' ').split(/\s+/).filter(Boolean).filter((w) => !honorifics.test(w) && !suffixes.test(w));
  if (words.length < 2 || words.length > 5) return null;
  if (!words.every((w) => /^[\p{L}][\p{L}'’.-]*$/u.test(w) && (/^\p{Lu}/u.test(w) || particles.has(w.toLowerCase())))) return null;
  if (words.some((w) => w.length > 24)) return null;
  let cut = words.length - 1;
  while (cut > 1 && particles.has(words[cut - 1]!.toLowerCase())) cut -= 1;
  return { firstName: words.slice(0, cut).join(' '), lastName: words.slice(cut).join(' ') };
}

function nameFromEmail(email: string): { firstName: string; lastName: string } | null {
  const parts = email.split('@')[0]!.split(/[._-]/).filter((p) => /^[a-z]{2,}$/i.test(p));
  if (parts.length !== 2) return null;
  const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
  return { firstName: cap(parts[0]!), lastName: cap(parts[1]!) };
}

function companyFromDomain(domain: string): string | null {
  if (freeMail.has(domain)) return null;
  const label = domain.replace(/^www\./, '').split('.').slice(-2, -1)[0];
  return label ? label.split('-').map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ') : null;
}

/** Reads a card's lines into a contact draft, with a confidence per field. */
export function parseCard(input: ReadonlyArray<CardLine | string>): CardReading {
  const lines = input
    .map((l) => (typeof l === 'string' ? { text: l } : l))
    .map((l) => ({ text: clean(l.text), confidence: l.confidence ?? 1, height: l.height ?? 0 }))
    .filter((l) => l.text.length > 1 && /[\p{L}\d]/u.test(l.text));
  const used = new Set<number>();
  const draft: CardDraft = { emails: [], phones: [], addresses: [] };
  const conf: Record<CardField, number | null> = { name: null, jobTitle: null, company: null, emails: null, phones: null, address: null, website: null };

  // Emails and websites first: they are the surest, and a line that holds one is nothing else.
  const emailConf: number[] = [];
  lines.forEach((line, i) => {
    for (const segment of line.text.split(/\s\|\s|\s{2,}|;\s*|,\s+/)) {
      const email = emailIn(segment);
      if (email && !draft.emails.some((e) => e.value === email)) {
        draft.emails.push({ label: 'work', value: email, primary: draft.emails.length === 0 });
        emailConf.push(line.confidence);
        used.add(i);
      }
    }
  });
  if (draft.emails.length) conf.emails = round(mean(emailConf));

  lines.forEach((line, i) => {
    if (draft.company?.website) return;
    for (const segment of line.text.split(/\s\|\s|\s{2,}/)) {
      const website = websiteIn(segment);
      if (website && !/^\S*\d[\d\s]*$/.test(segment)) {
        draft.company = { ...draft.company, website };
        conf.website = round(line.confidence * (/^(https?:|www\.)/i.test(website.replace('https://', 'https:')) || /www\./i.test(segment) ? 1 : 0.8));
        if (!line.text.replace(segment, '').replace(/[|\s]/g, '')) used.add(i);
        break;
      }
    }
  });

  // Phones: a line mostly of digits, or one that starts with a phone label.
  const phoneConf: number[] = [];
  lines.forEach((line, i) => {
    if (used.has(i) && !/\d{4}/.test(line.text.replace(emailPattern, ''))) return;
    const text = line.text.replace(emailPattern, ' ');
    const digits = text.replace(/\D/g, '').length;
    const labelled = /^(tel|telefon|telephone|phone|fon|fax|telefax|mobil|mobile|mobiltelefon|handy|cell|t|m|f|p|d)\b\.?:?\s*[+(\d]/i.test(text) || /\b(tel|telefon|telephone|phone|fax|telefax|mobil|mobile|handy|cell)\b\.?:?\s*[+(\d]/i.test(text);
    const numberish = /^[+(\d][\d\s()./-]+$/.test(text.trim()) && digits >= 6;
    if (!labelled && !numberish) return;
    if (postcodeIn(text)) return;
    const found = phonesIn(text);
    if (!found.length) return;
    for (const p of found) if (!draft.phones.some((q) => q.value.replace(/\D/g, '') === p.value.replace(/\D/g, ''))) draft.phones.push(p);
    phoneConf.push(line.confidence * (labelled ? 1 : 0.8));
    used.add(i);
  });
  // The main number is the first that is not a fax.
  const main = draft.phones.find((p) => p.label !== 'fax');
  if (main) main.primary = true;
  if (draft.phones.length) conf.phones = round(mean(phoneConf));

  // Address: a postcode line, with the street on its line or the one before, and a country line after.
  for (let i = 0; i < lines.length; i += 1) {
    if (used.has(i)) continue;
    const whole = postcodeIn(lines[i]!.text);
    const segments = whole ? [lines[i]!.text] : lines[i]!.text.split(/\s*[,|]\s*/);
    const at = segments.findIndex((s) => postcodeIn(s));
    if (at < 0) continue;
    const post = postcodeIn(segments[at]!)!;
    const address: CardDraft['addresses'][number] = { label: 'work', postalCode: post.postalCode, city: post.city, primary: true };
    const scores = [lines[i]!.confidence];
    const street = segments.slice(0, at).find(isStreet);
    if (street) address.line1 = street;
    else if (i > 0 && !used.has(i - 1) && isStreet(lines[i - 1]!.text)) {
      address.line1 = lines[i - 1]!.text.replace(/,$/, '');
      used.add(i - 1);
      scores.push(lines[i - 1]!.confidence);
    }
    const countryHere = segments.slice(at + 1).map(countryIn).find(Boolean);
    const countryNext = i + 1 < lines.length && !used.has(i + 1) ? countryIn(lines[i + 1]!.text) : null;
    if (countryNext) used.add(i + 1);
    const country = countryHere ?? countryNext ?? post.country;
    if (country) address.country = country;
    draft.addresses.push(address);
    used.add(i);
    conf.address = round(mean(scores) * (address.line1 ? 1 : 0.7));
    break;
  }
  // A street with no postcode line ("10 Downing Street" alone) is still an address.
  if (!draft.addresses.length) {
    const i = lines.findIndex((l, j) => !used.has(j) && isStreet(l.text));
    if (i >= 0) {
      draft.addresses.push({ label: 'work', line1: lines[i]!.text.replace(/,$/, ''), primary: true });
      used.add(i);
      conf.address = round(lines[i]!.confidence * 0.6);
    }
  }
  lines.forEach((line, i) => {
    if (!used.has(i) && countryIn(line.text)) used.add(i);
  });

  // Company: a legal form (GmbH, AG, Ltd, Inc ...).
  const companyAt = lines.findIndex((l, i) => !used.has(i) && companyIn(l.text));
  if (companyAt >= 0) {
    draft.company = { ...draft.company, name: lines[companyAt]!.text.replace(/\s\|\s.*$/, '') };
    conf.company = round(lines[companyAt]!.confidence);
    used.add(companyAt);
  }

  // The name: a line of two to five capitalised words, the tallest such line first (a card prints it largest).
  const nameCandidates = lines
    .map((l, i) => ({ ...l, i }))
    .filter((l) => !used.has(l.i))
    .map((l) => ({ ...l, name: splitName(l.text.split(/,\s*(?=\S)/)[0]!), rest: l.text.split(/,\s*/).slice(1).join(', ') }))
    .filter((l) => l.name && !isTitle(l.text.split(/,\s*/)[0]!) && !companyIn(l.text));
  const maxHeight = Math.max(0, ...lines.map((l) => l.height));
  nameCandidates.sort((a, b) => b.height - a.height || a.i - b.i);
  const picked = nameCandidates[0];
  if (picked?.name) {
    draft.firstName = picked.name.firstName;
    draft.lastName = picked.name.lastName;
    // Surer when it is the largest text, or when the email's local part spells it.
    const inEmail = draft.emails.some((e) => fold(e.value).includes(fold(picked.name!.lastName).replace(/[^a-z]/g, '')));
    conf.name = round(picked.confidence * (inEmail ? 1 : maxHeight && picked.height >= maxHeight ? 0.85 : 0.7));
    used.add(picked.i);
    if (picked.rest && isTitle(picked.rest)) {
      draft.jobTitle = repairTitle(picked.rest);
      conf.jobTitle = round(picked.confidence * 0.9);
    }
  } else if (draft.emails[0]) {
    const guess = nameFromEmail(draft.emails[0].value);
    if (guess) {
      Object.assign(draft, guess);
      conf.name = 0.3;
    }
  }

  // Job title: a line with a title word (Managing Director, Head of, Geschäftsführer, Leiter ...), nearest the name.
  if (!draft.jobTitle) {
    const titles = lines.map((l, i) => ({ ...l, i })).filter((l) => !used.has(l.i) && isTitle(l.text) && !/\d{3}/.test(l.text));
    const near = picked ? titles.sort((a, b) => Math.abs(a.i - picked.i) - Math.abs(b.i - picked.i))[0] : titles[0];
    if (near) {
      draft.jobTitle = repairTitle(near.text.replace(/\s\|\s/g, ', '));
      conf.jobTitle = round(near.confidence * 0.9);
      used.add(near.i);
    }
  }

  // No legal form on the card: the email's or website's domain names the company, unsurely.
  if (!draft.company?.name) {
    const domain = draft.company?.website ? new URL(draft.company.website).hostname : draft.emails[0]?.value.split('@')[1];
    const name = domain ? companyFromDomain(domain) : null;
    if (name) {
      draft.company = { ...draft.company, name };
      conf.company = 0.3;
    }
  }
  for (const field of ['firstName', 'lastName', 'jobTitle'] as const) {
    const value = draft[field];
    if (value !== undefined) draft[field] = value.slice(0, field === 'jobTitle' ? 150 : 100);
  }
  if (draft.company?.name) draft.company.name = draft.company.name.slice(0, 200);
  return { contact: draft, confidence: conf };
}
