// Builds custom-elements.json from the class JSDoc; Storybook and IDEs read it.

/**
 * Our tags are registered with `CrmX.define('crm-x')` (idempotent) rather than
 * `customElements.define`, which the analyzer does not know; this plugin teaches it.
 */
function crmDefinePlugin() {
  const definitions = []; // { className, tagName, modulePath }
  return {
    name: 'crm-define',
    analyzePhase({ ts, node, moduleDoc }) {
      if (!ts.isCallExpression(node) || !ts.isPropertyAccessExpression(node.expression)) return;
      const { expression: target, name } = node.expression;
      const [tag] = node.arguments;
      if (name.getText() !== 'define' || !ts.isIdentifier(target) || !tag || !ts.isStringLiteral(tag)) return;
      definitions.push({ className: target.getText(), tagName: tag.text, modulePath: moduleDoc.path });
    },
    packageLinkPhase({ customElementsManifest }) {
      // Files are analyzed concurrently; sort so the committed manifest does not churn.
      customElementsManifest.modules.sort((a, b) => a.path.localeCompare(b.path));
      const modules = customElementsManifest.modules;
      for (const { className, tagName, modulePath } of definitions) {
        const owner = modules.find((module) => module.declarations?.some((d) => d.name === className && d.kind === 'class'));
        const declaration = owner?.declarations.find((d) => d.name === className);
        if (!owner || !declaration) continue;
        declaration.customElement = true;
        declaration.tagName = tagName;
        const definingModule = modules.find((module) => module.path === modulePath);
        definingModule.exports ??= [];
        definingModule.exports = definingModule.exports.filter((entry) => entry.name !== tagName);
        definingModule.exports.push({
          kind: 'custom-element-definition',
          name: tagName,
          declaration: { name: className, module: owner.path },
        });
      }
    },
  };
}

/** Lit plumbing that is public in JavaScript but no part of an element's API. */
const frameworkStatics = new Set(['styles', 'shadowRootOptions', 'formAssociated', 'dependencies']);

/** Keeps the manifest (and so Storybook's docs tables) to the public API: no protected or private members. */
function publicApiPlugin() {
  return {
    name: 'crm-public-api',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (!declaration.members) continue;
          declaration.members = declaration.members.filter(
            (member) =>
              (member.privacy ?? 'public') === 'public' &&
              !member.name.startsWith('#') &&
              !(member.static && frameworkStatics.has(member.name)),
          );
        }
      }
    },
  };
}

export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/**/*.stories.ts', 'src/**/*.styles.ts', 'src/test/**'],
  outdir: '.',
  litelement: true,
  packagejson: false,
  plugins: [crmDefinePlugin(), publicApiPlugin()],
};
