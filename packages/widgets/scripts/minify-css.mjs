/**
 * A Vite plugin that squeezes the CSS inside Lit's css`...` templates (Vite minifies JavaScript, not
 * the text of template literals): comments and runs of whitespace go, spaces around punctuation too.
 * Our styles contain no strings whose spaces matter, and no ${} in the middle of a token.
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
  };
}
