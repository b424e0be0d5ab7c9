import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `sha384-<base64>`: the Subresource Integrity value of a file's bytes. */
export function integrity(bytes) {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/**
 * A Vite plugin that adds two files to dist/: crm-widgets.css (the space the widgets reserve before
 * their script runs, copied from src/) and crm-widgets.sri.json, the build's version and the SRI hash of
 * every .js and .css file as served. The API serves the files listed there at /widgets/<version>/, and
 * the README's snippet quotes the loader's hash from it. Listed after the minifying plugin, so the hashes
 * are of the final bytes.
 */
export function widgetManifest({ version, css, merge }) {
  return {
    name: 'crm-widget-manifest',
    apply: 'build',
    generateBundle(_options, bundle) {
      const stylesheet = readFileSync(css);
      this.emitFile({ type: 'asset', fileName: 'crm-widgets.css', source: stylesheet });
      // A second build into the same folder (the customer portal) adds its files to the first build's manifest.
      const earlier = merge && existsSync(merge) ? JSON.parse(readFileSync(merge, 'utf8')).files : {};
      const files = { ...earlier, 'crm-widgets.css': integrity(stylesheet) };
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk' && output.fileName.endsWith('.js')) files[output.fileName] = integrity(output.code);
      }
      const sorted = Object.fromEntries(Object.entries(files).sort(([a], [b]) => a.localeCompare(b)));
      this.emitFile({ type: 'asset', fileName: 'crm-widgets.sri.json', source: `${JSON.stringify({ version, files: sorted }, null, 2)}\n` });
    },
    // Vite rewrites an entry's dynamic imports after generateBundle (the portal's lazy pages): hash each
    // file again as it was written, so the manifest always matches the bytes served.
    writeBundle(options, bundle) {
      const path = join(options.dir, 'crm-widgets.sri.json');
      const manifest = JSON.parse(readFileSync(path, 'utf8'));
      for (const output of Object.values(bundle)) {
        if (output.type === 'chunk' && output.fileName.endsWith('.js')) manifest.files[output.fileName] = integrity(readFileSync(join(options.dir, output.fileName)));
      }
      writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
    },
  };
}
