/**
 * How text becomes search tokens. FerretDB has no `$text` index and pushes down only equality, so
 * every way a user may type a value is stored as a token that an equality lookup finds:
 * - words (lower-cased, accents folded, split at anything but a letter or digit) and each of their
 *   prefixes from 3 to 10 characters; a word of two characters is stored whole only, a word longer
 *   than 10 also whole (at most 40);
 * - an email address whole (besides its words, less the top-level domain);
 * - a phone number as its digits only: its first 6 to 10 digits, the whole number, and its last 6 digits,
 *   so "+44 20 7946 0958", "442079460958" and "7946 0958" all find it: a typed ending is looked up by its
 *   last 6 digits and confirmed on the record's whole number (the last 6 digits of a number are nearly
 *   unique; storing every ending from 6 digits up was a third of a contact's entries, issue 20).
 * A token marked `exact` is a whole word (or address, or number): it ranks a record above one that
 * only starts with the typed word.
 */
export const MIN_TOKEN = 2;
/**
 * The shortest prefix stored. Prefixes of 2 were about a fifth of a contact's entries (each word of 3
 * letters or more gave one, and the import writes every entry: issue 20); a typed word of 2 letters
 * therefore matches only a whole word of 2 (`li` finds Li, not Lisbon).
 */
export const MIN_PREFIX = 3;
export const MAX_PREFIX = 10;
const MAX_WORD = 40;
const MAX_EMAIL = 100;
const MIN_PHONE_ENDING = 6;
/** The most tokens one record stores; values past it are not searchable. */
export const MAX_TOKENS_PER_RECORD = 250;
const MAX_QUERY_WORDS = 8;

/** One stored token: the text an equality lookup matches, and whether it is a whole word. */
export interface IndexToken {
  token: string;
  exact: boolean;
}

// Letters that Unicode does not decompose into a base letter and an accent.
const FOLDED: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h' };

/** Lower-case and fold accents (é → e, ø → o, ß → ss), so "tromso" finds "Tromsø". */
export function normalizeText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[øæœßłđðþıħ]/g, (letter) => FOLDED[letter] ?? letter);
}

function words(value: string): string[] {
  return normalizeText(value).split(/[^a-z0-9]+/).filter((w) => w.length >= MIN_TOKEN);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isEmail(value: string): boolean {
  return EMAIL.test(value.trim());
}

/** A value written like a phone number: digits with spaces, +, dots, dashes, slashes and brackets only. */
function isPhone(value: string): boolean {
  const trimmed = value.trim();
  return /^[\d\s+().\-/]+$/.test(trimmed) && trimmed.replace(/\D/g, '').length >= 4;
}

/**
 * The token every stored phone number of `digits.length` > 6 digits has for its ending: its last 6 digits (a
 * number of 6 or fewer is stored whole). A lookup by it finds every number that ends like `digits`, to be
 * confirmed on the number itself.
 */
export function phoneEndingToken(digits: string): string {
  return digits.length > MIN_PHONE_ENDING ? digits.slice(-MIN_PHONE_ENDING) : digits;
}

/** The tokens stored for a record whose searchable values are `values` (deduplicated, capped). */
export function indexTokens(values: Array<string | null | undefined>): IndexToken[] {
  const out = new Map<string, boolean>();
  const add = (token: string, exact: boolean) => {
    if (out.size >= MAX_TOKENS_PER_RECORD && !out.has(token)) return;
    out.set(token, (out.get(token) ?? false) || exact);
  };
  const addWord = (word: string) => {
    const whole = word.slice(0, MAX_WORD);
    if (whole.length < MIN_PREFIX) {
      add(whole, true);
      return;
    }
    for (let n = MIN_PREFIX; n <= Math.min(whole.length, MAX_PREFIX); n += 1) add(whole.slice(0, n), n === whole.length);
    if (whole.length > MAX_PREFIX) add(whole, true);
  };
  for (const raw of values) {
    if (typeof raw !== 'string' || !raw.trim()) continue;
    const value = raw.slice(0, 500);
    if (isPhone(value)) {
      const digits = value.replace(/\D/g, '').slice(0, 20);
      // A number's first digits are mostly its country and area (shared by thousands): from 6 on only.
      for (let n = MIN_PHONE_ENDING; n <= Math.min(digits.length, MAX_PREFIX); n += 1) add(digits.slice(0, n), n === digits.length);
      add(digits, true);
      add(phoneEndingToken(digits), false);
      continue;
    }
    if (isEmail(value)) {
      const address = normalizeText(value.trim()).slice(0, MAX_EMAIL);
      add(address, true);
      const [local = '', domain = ''] = address.split('@');
      const labels = domain.split('.');
      for (const word of [...words(local), ...words(labels.slice(0, -1).join('.'))]) addWord(word);
      continue;
    }
    for (const word of words(value)) addWord(word);
  }
  return [...out].map(([token, exact]) => ({ token, exact }));
}

/**
 * One word of a query. A `word` matches a record that has a word starting with `text`; a `literal`
 * (a whole email address, or a phone number's digits, also tried without a trunk 0) matches a
 * record holding one of `tokens`. `tokens` are what the index is looked up by.
 */
export interface QueryWord {
  kind: 'word' | 'literal';
  text: string;
  tokens: string[];
  /** A phone number's digits as typed and without a trunk 0: what a record's whole number must be, start or end with. */
  digits?: string[];
}

/** The words of a search text, every one of which a record must match; empty when nothing usable was typed. */
export function queryWords(text: string): QueryWord[] {
  const trimmed = text.trim().slice(0, 200);
  if (isEmail(trimmed)) {
    const address = normalizeText(trimmed).slice(0, MAX_EMAIL);
    return [{ kind: 'literal', text: address, tokens: [address] }];
  }
  if (isPhone(trimmed)) {
    const digits = trimmed.replace(/\D/g, '').slice(0, 20);
    const national = digits.replace(/^0+/, '');
    const variants = national.length >= MIN_PHONE_ENDING && national !== digits ? [digits, national] : [digits];
    // The number whole, or the first digits of one (stored up to 10), and its last 6 digits for a number it ends.
    return [{ kind: 'literal', text: digits, tokens: [...new Set([...variants, phoneEndingToken(digits)])], digits: variants }];
  }
  const seen = new Set<string>();
  const out: QueryWord[] = [];
  for (const word of words(trimmed)) {
    const whole = word.slice(0, MAX_WORD);
    if (seen.has(whole)) continue;
    seen.add(whole);
    out.push({ kind: 'word', text: whole, tokens: [whole.length > MAX_PREFIX ? whole.slice(0, MAX_PREFIX) : whole] });
    if (out.length >= MAX_QUERY_WORDS) break;
  }
  return out;
}

/**
 * How a record whose stored tokens are `tokens` (token → whole word?) matches a typed word: `exact`
 * when the word is one of its whole words (or the address or number), `prefix` when one of its
 * words starts with it, otherwise `null`. Confirms, on the record itself, a word longer than the
 * stored prefixes, and guards against an index entry that a concurrent write has made stale.
 */
export function matchWord(tokens: ReadonlyMap<string, boolean>, word: QueryWord): 'exact' | 'prefix' | null {
  if (word.digits) {
    // A phone number: the record's whole number is it, or starts or ends with it (6 digits or more).
    if (word.digits.some((d) => tokens.get(d) === true)) return 'exact';
    for (const [token, exact] of tokens) {
      if (!exact || !/^\d+$/.test(token)) continue;
      if (word.digits.some((d) => d.length >= MIN_PHONE_ENDING && (token.startsWith(d) || token.endsWith(d)))) return 'prefix';
    }
    return null;
  }
  if (word.kind === 'literal') {
    let found: 'exact' | 'prefix' | null = null;
    for (const token of word.tokens) {
      if (tokens.get(token) === true) return 'exact';
      if (tokens.has(token)) found = 'prefix';
    }
    return found;
  }
  if (tokens.get(word.text) === true) return 'exact';
  if (word.text.length <= MAX_PREFIX) return tokens.has(word.text) ? 'prefix' : null;
  for (const [token, exact] of tokens) if (exact && token.length > MAX_PREFIX && token.startsWith(word.text)) return 'prefix';
  return null;
}
