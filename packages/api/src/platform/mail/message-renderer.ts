import Handlebars from 'handlebars';

/** A tenant's message as written: handlebars sources for the subject, the HTML body and the text body. */
export interface MessageSource {
  subject: string;
  html: string;
  text: string;
}

/** Where and for whom a message is rendered: dates and numbers follow the recipient's locale and zone. */
export interface RenderSettings {
  locale: string;
  timeZone: string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

/** A template that does not compile: which part, which line, and handlebars' own reason. */
export class TemplateCompileError extends Error {
  override name = 'TemplateCompileError';
  constructor(
    readonly part: keyof MessageSource,
    readonly line: number | null,
    reason: string,
  ) {
    super(`${part}${line ? ` line ${line}` : ''}: ${reason}`);
  }
}

const helperNames = ['formatDate', 'formatNumber', 'link'] as const;
const compileOptions = { knownHelpers: Object.fromEntries(helperNames.map((h) => [h, true])), knownHelpersOnly: true };
const safeUrl = /^(https?:|mailto:)/i;

function settingsOf(options: Handlebars.HelperOptions): RenderSettings {
  const data = options.data as { locale?: string; timeZone?: string } | undefined;
  return { locale: data?.locale ?? 'en', timeZone: data?.timeZone ?? 'UTC' };
}

function formatDate(value: unknown, ...rest: unknown[]): string {
  const options = rest.pop() as Handlebars.HelperOptions;
  if (value === null || value === undefined || value === '') return '';
  const date = value instanceof Date ? value : new Date(value as string);
  if (Number.isNaN(date.getTime())) return '';
  const { locale, timeZone } = settingsOf(options);
  const style = (options.hash as { style?: string }).style ?? (typeof rest[0] === 'string' ? rest[0] : 'medium');
  const withTime = (options.hash as { time?: boolean }).time === true;
  const dateStyle = ['full', 'long', 'medium', 'short'].includes(style) ? (style as 'medium') : 'medium';
  try {
    return new Intl.DateTimeFormat(locale, { dateStyle, ...(withTime ? { timeStyle: 'short' as const } : {}), timeZone }).format(date);
  } catch {
    return new Intl.DateTimeFormat('en', { dateStyle, ...(withTime ? { timeStyle: 'short' as const } : {}), timeZone: 'UTC' }).format(date);
  }
}

function formatNumber(value: unknown, ...rest: unknown[]): string {
  const options = rest.pop() as Handlebars.HelperOptions;
  const n = typeof value === 'number' ? value : Number(value);
  if (value === null || value === undefined || Number.isNaN(n)) return '';
  const { locale } = settingsOf(options);
  const hash = options.hash as { currency?: string; style?: string; digits?: number };
  const currency = hash.currency ?? (typeof rest[0] === 'string' ? rest[0] : undefined);
  try {
    return new Intl.NumberFormat(locale, {
      ...(currency ? { style: 'currency' as const, currency } : hash.style === 'percent' ? { style: 'percent' as const } : {}),
      ...(hash.digits !== undefined ? { maximumFractionDigits: hash.digits } : {}),
    }).format(n);
  } catch {
    return String(n);
  }
}

function registerHelpers(instance: typeof Handlebars, mode: 'html' | 'text'): void {
  instance.registerHelper('formatDate', formatDate);
  instance.registerHelper('formatNumber', formatNumber);
  // {{link url "text"}}: an anchor for http(s)/mailto URLs only; any other scheme renders the text alone.
  instance.registerHelper('link', (url: unknown, ...rest: unknown[]) => {
    rest.pop();
    const href = typeof url === 'string' ? url.trim() : '';
    const label = typeof rest[0] === 'string' ? rest[0] : href;
    if (mode === 'text') return safeUrl.test(href) ? `${label} <${href}>` : label;
    const escape = Handlebars.Utils.escapeExpression;
    return new Handlebars.SafeString(safeUrl.test(href) ? `<a href="${escape(href)}">${escape(label)}</a>` : escape(label));
  });
}

const htmlEngine = Handlebars.create();
const textEngine = Handlebars.create();
registerHelpers(htmlEngine, 'html');
registerHelpers(textEngine, 'text');

type Renderer = (data: unknown, options: { data: RenderSettings }) => string;

/** A compiled message, ready to render for many recipients. */
export interface CompiledMessage {
  render(data: Record<string, unknown>, settings: RenderSettings): RenderedMessage;
}

function compilePart(part: keyof MessageSource, source: string): Renderer {
  const engine = part === 'html' ? htmlEngine : textEngine;
  const options = { ...compileOptions, noEscape: part !== 'html' };
  try {
    // precompile parses and checks every helper now, so a bad template fails at save, not at send.
    engine.precompile(source, options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const line = (error as { lineNumber?: number }).lineNumber ?? Number(/on line (\d+)/.exec(message)?.[1] ?? NaN);
    throw new TemplateCompileError(part, Number.isFinite(line) ? line : null, message.split('\n')[0]!.replace(/ - \d+:\d+$/, ''));
  }
  return engine.compile(source, options) as unknown as Renderer;
}

/**
 * Compiles a tenant's message. HTML output is escaped by default (`{{name}}` of `<script>` arrives as
 * text); the subject and text parts are plain text. Only the fixed helpers `formatDate`, `formatNumber`
 * and `link` (plus handlebars' if/unless/each/with) may be used.
 */
export function compileMessage(source: MessageSource): CompiledMessage {
  const subject = compilePart('subject', source.subject);
  const html = compilePart('html', source.html);
  const text = compilePart('text', source.text);
  return {
    render(data, settings) {
      const options = { data: settings };
      return {
        // A subject is one header line: drop line breaks a value might smuggle in.
        subject: subject(data, options).replace(/[\r\n]+/g, ' ').trim(),
        html: html(data, options),
        text: text(data, options),
      };
    },
  };
}
