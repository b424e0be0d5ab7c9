/**
 * Text search without a `$text` index (FerretDB has none): each record keeps `searchTokens`, the
 * lower-cased, accent-folded words of its names, emails, phones and company, plus their prefixes, and
 * a query becomes equality matches on that array, which an ordinary index serves on both engines.
 */
const MIN_PREFIX = 2;
const MAX_PREFIX = 12;
const MAX_TOKENS = 200;

/** Lower-case, strip accents, keep letters and digits. */
export function normalizeText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

function words(value: string): string[] {
  return normalizeText(value).split(/[^a-z0-9]+/).filter(Boolean);
}

/** The tokens stored on a record for the given searchable values. */
export function searchTokens(values: Array<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    const parts = words(value);
    // Phones and emails are also kept whole (digits only / the full address), so "+44 20 7946" finds "442079460000".
    const digits = value.replace(/\D/g, '');
    if (digits.length >= 4 && digits.length >= value.replace(/\s/g, '').length - 3) parts.push(digits);
    if (value.includes('@')) parts.push(normalizeText(value.trim()));
    for (const word of parts) {
      for (let n = MIN_PREFIX; n <= Math.min(word.length, MAX_PREFIX); n += 1) out.add(word.slice(0, n));
      if (word.length > MAX_PREFIX) out.add(word);
      if (out.size >= MAX_TOKENS) return [...out];
    }
  }
  return [...out];
}

/** The tokens a search text must match (each one, AND); an empty list means no usable text. */
export function queryTokens(text: string): string[] {
  const tokens = new Set<string>();
  for (const word of words(text)) {
    if (word.length < MIN_PREFIX) continue;
    tokens.add(word.length > MAX_PREFIX ? word : word.slice(0, MAX_PREFIX));
  }
  const digits = text.replace(/\D/g, '');
  if (digits.length >= 4 && /^[\d\s+()-]+$/.test(text.trim())) return [digits];
  if (text.includes('@')) return [normalizeText(text.trim())];
  return [...tokens].slice(0, 8);
}
