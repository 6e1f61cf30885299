// Local ESLint rule enforcing the layering in docs/architecture.md: core never imports hosts or UI,
// a core domain is entered only through its index.ts face (or its testing.ts face, from tests only),
// domains depend on each other only along the table below, and no product file sits at the root of
// src/main/core except index.ts (the core's face for hosts).
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const rel = (p) => path.relative(root, p).split(path.sep).join('/');

/** Usable by every domain: they depend on nothing but each other and the shared contract. */
export const FOUNDATION = ['config', 'input', 'logging'];

/**
 * Which other domains each core domain may import (besides FOUNDATION and itself). Read it as the
 * arrows of docs/architecture.md: shell/server → core/app → domains; voicebot → speech, stream;
 * campaigns → calls → telephony, store; qa → voicebot, stream, speech; reports → calls, qa, store;
 * jobs is used by all and uses none of the product domains. A domain missing here may import only
 * FOUNDATION.
 */
export const ALLOWED = {
  // The composition root builds everything.
  app: '*',
  // Infrastructure.
  store: [],
  files: [],
  jobs: ['store'],
  settings: ['store'],
  api: ['store', 'reports'],
  artifacts: ['store', 'files'],
  tunnel: [],
  // Telephony and calls.
  stream: [],
  telephony: ['stream'],
  'public-surface': ['telephony', 'settings', 'store'],
  contacts: ['store', 'files', 'jobs'],
  calls: ['telephony', 'store', 'contacts', 'jobs'],
  campaigns: ['calls', 'telephony', 'contacts', 'store', 'jobs', 'settings'],
  // Speech, the bot and QA.
  speech: ['files'],
  voicebot: ['speech', 'stream', 'store', 'artifacts', 'public-surface', 'jobs'],
  qa: ['voicebot', 'stream', 'speech', 'store', 'artifacts', 'jobs'],
  // The audit log today; exports next (of calls and QA runs).
  reports: ['store', 'settings', 'calls', 'qa', 'artifacts', 'jobs'],
  // Backups, restore, retention and wipe of the data folder (verified with the audit log).
  'data-care': ['store', 'reports', 'jobs', 'artifacts', 'files'],
};

const HOST_OR_UI = /^src\/(main\/(shell|server)|renderer|preload)(\/|$)/;

function resolveTarget(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  return rel(path.resolve(path.dirname(fromFile), spec)).replace(/\.(ts|tsx|js|mjs)$/, '');
}

/** May `from` (a core domain) import `to` (another core domain)? */
export function allowed(from, to) {
  if (from === to || FOUNDATION.includes(to)) return true;
  const list = ALLOWED[from];
  return list === '*' || (Array.isArray(list) && list.includes(to));
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
    const inSrc = file.startsWith('src/');
    const inCore = file.startsWith('src/main/core/');
    const parts = file.split('/');
    const atCoreRoot = inCore && parts.length === 4;
    const ownDomain = inCore && !atCoreRoot ? parts[3] : undefined;
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const target = resolveTarget(context.filename, spec);
      if (!target) return;
      if (inCore && HOST_OR_UI.test(target)) {
        context.report({ node, message: `core must not import hosts or UI (${target})` });
        return;
      }
      if (target !== 'src/main/core' && !target.startsWith('src/main/core/')) return;
      const t = target.split('/');
      const domain = t[3];
      // Fakes and other test helpers: tests and benchmarks only.
      if (t.length === 5 && t[4] === 'testing') {
        if (inSrc)
          context.report({
            node,
            message: `product code must not import ${domain}/testing (fakes are for tests and benchmarks)`,
          });
        return;
      }
      if (!inCore) return;
      if (t.length === 3 || (t.length === 4 && domain === 'index')) {
        if (!atCoreRoot)
          context.report({
            node,
            message: 'a core domain must not import the core face (src/main/core/index.ts): it is for hosts',
          });
        return;
      }
      if (domain === ownDomain) return;
      const isFace = t.length === 4 || (t.length === 5 && t[4] === 'index');
      if (!isFace) {
        context.report({
          node,
          message: `import the ${domain} domain through its index (src/main/core/${domain}), not ${target}`,
        });
        return;
      }
      // The core's face re-exports what hosts need from any domain.
      if (atCoreRoot) return;
      if (!allowed(ownDomain, domain))
        context.report({
          node,
          message: `the ${ownDomain} domain must not depend on ${domain} (allowed: ${[...FOUNDATION, ...(ALLOWED[ownDomain] === '*' ? ['all'] : (ALLOWED[ownDomain] ?? []))].join(', ')}; see eslint/layering-rule.mjs)`,
        });
    };
    return {
      Program(node) {
        // The root of core holds only its face; product code lives in a domain.
        if (atCoreRoot && parts[3] !== 'index.ts')
          context.report({
            node,
            message: `no product file at the root of src/main/core (${parts[3]}): put it in a domain`,
          });
      },
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
