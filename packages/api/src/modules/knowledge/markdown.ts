import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

// One parser, no global options touched (another module may use marked too).
const parser = new Marked({ gfm: true, breaks: false, async: false });

const allowedTags = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code', 'em', 'strong', 'del', 's',
  'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'sup', 'sub', 'kbd', 'input',
];

/**
 * Renders an article's Markdown to HTML that is safe to put in a page: whatever HTML an author typed is
 * passed through an allow-list (no script, style, event handler, iframe or `javascript:` URL), links
 * open without giving the opened page a handle on ours, and images load only over https or as data.
 */
export function renderMarkdown(markdown: string): string {
  const html = parser.parse(markdown, { async: false });
  return sanitizeHtml(html, {
    allowedTags,
    allowedAttributes: {
      a: ['href', 'title', 'rel', 'target'],
      img: ['src', 'alt', 'title'],
      code: ['class'],
      th: ['align'],
      td: ['align'],
      input: ['type', 'checked', 'disabled'],
    },
    allowedClasses: { code: [/^language-[a-z0-9-]+$/] },
    allowedSchemes: ['https', 'http', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['https', 'data'] },
    allowProtocolRelative: false,
    exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type !== 'checkbox',
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }),
    },
  });
}

/** The plain text of an article's Markdown (for summaries and search): tags and markup removed, whitespace folded. */
export function plainText(markdown: string, max = 400): string {
  const text = sanitizeHtml(parser.parse(markdown, { async: false }), { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
