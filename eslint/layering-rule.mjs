// Local ESLint rule enforcing DESIGN.md §2: core never imports hosts or UI, and a core domain is
// entered only through its index.ts face.
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const rel = (p) => path.relative(root, p).split(path.sep).join('/');

function resolveTarget(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  return rel(path.resolve(path.dirname(fromFile), spec));
}

/** @type {import('eslint').Rule.RuleModule} */
export const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep dependencies pointing one way between hosts, core and core domains' },
    schema: [],
  },
  create(context) {
    const file = rel(context.filename);
    if (!file.startsWith('src/main/core/')) return {};
    const ownDomain = file.split('/')[3];
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const target = resolveTarget(context.filename, spec);
      if (!target) return;
      if (/^src\/(main\/(shell|server)|renderer|preload)(\/|$)/.test(target)) {
        context.report({ node, message: `core must not import hosts or UI (${target})` });
        return;
      }
      if (!target.startsWith('src/main/core/')) return;
      const parts = target.split('/');
      const domain = parts[3];
      const isTopLevelFile = parts.length === 4;
      if (isTopLevelFile || domain === ownDomain) return;
      const isFace = parts.length === 4 || (parts.length === 5 && parts[4] === 'index');
      if (!isFace) {
        context.report({
          node,
          message: `import the ${domain} domain through its index (src/main/core/${domain}), not ${target}`,
        });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
