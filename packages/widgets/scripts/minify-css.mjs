/**
 * A Vite plugin that squeezes the CSS inside Lit's css`...` templates (Vite minifies JavaScript, not
 * the text of template literals): comments and runs of whitespace go, spaces around punctuation too.
 * Our styles contain no strings whose spaces matter, and no ${} in the middle of a token. The widget
 * chunks' html`...` templates lose their indentation too (see renderChunk).
 */
export function minifyLitCss() {
  return {
    name: 'crm-minify-lit-css',
    apply: 'build',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !code.includes('css`')) return null;
      const out = code.replace(/css`([^`]*)`/g, (_m, body) =>
        'css`' +
        body
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,>])\s*/g, '$1')
          .replace(/:\s+/g, ':')
          .replace(/;}/g, '}')
          .trim() +
        '`',
      );
      return { code: out, map: null };
    },
    // Lit's html`...` keeps the source's line breaks and indentation. Once a widget chunk is minified
    // (generateBundle runs after the minifier), every line break left is inside such a template (strings
    // and regular expressions cannot hold one), and HTML renders a run of white space like one space, so
    // each run becomes one space. Not applied to the shared chunk: lit-html builds a regular expression
    // from a template with a line break. (The hidden source maps of these two chunks drift by columns.)
    generateBundle(_options, bundle) {
      for (const chunk of Object.values(bundle)) {
        if (chunk.type === 'chunk' && /^crm-(referral-signup|campaign-card)\.js$/.test(chunk.fileName)) chunk.code = chunk.code.replace(/\s*\n\s*/g, ' ');
      }
    },
  };
}
