import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM module of the lint setup, without type declarations
import { ALLOWED, FOUNDATION } from '../../../eslint/layering-rule.mjs';

const root = path.resolve(__dirname, '../../..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
const allowed = ALLOWED as Record<string, string[] | '*'>;
const foundation = FOUNDATION as string[];

/** Every folder under src/main/core: the domains. */
const domains = fs
  .readdirSync(path.join(root, 'src/main/core'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/**
 * The "| domain | may import |" table of a Markdown file, as the rule's ALLOWED reads: a row may name
 * several domains ("store, files"), "—" is none, "every domain" is '*', and a note in brackets is
 * not a domain.
 */
function dependencyTable(markdown: string): Record<string, string[] | '*'> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^\|\s*domain\s*\|\s*may import\s*\|/.test(l));
  if (start < 0) throw new Error('no "| domain | may import |" table');
  const table: Record<string, string[] | '*'> = {};
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const [names = '', deps = ''] = line
      .split('|')
      .slice(1, 3)
      .map((c) => c.trim());
    const list = deps.startsWith('every domain')
      ? '*'
      : deps === '—'
        ? []
        : deps
            .replace(/\(.*\)/, '')
            .split(',')
            .map((d) => d.trim())
            .filter(Boolean)
            .sort();
    for (const name of names.split(',').map((n) => n.trim())) table[name] = list;
  }
  return table;
}

const sortedAllowed = Object.fromEntries(
  Object.entries(allowed).map(([k, v]) => [k, v === '*' ? '*' : [...v].sort()]),
);

// The dependency table is written three times (the rule, docs/architecture.md, the README's
// architecture section); a domain added to one and not the others went unnoticed before.
describe('the layering table as written down', () => {
  it('names every core domain in the rule, or as foundation', () => {
    expect([...Object.keys(allowed), ...foundation].sort()).toEqual(domains);
  });

  it('docs/architecture.md carries the rule’s table, row for row', () => {
    expect(dependencyTable(read('docs/architecture.md'))).toEqual(sortedAllowed);
  });

  it('the README’s architecture section carries the rule’s table, row for row', () => {
    expect(dependencyTable(read('README.md'))).toEqual(sortedAllowed);
  });

  it('docs/architecture.md’s source layout names every domain folder', () => {
    const docs = read('docs/architecture.md');
    const layout = docs.slice(
      docs.indexOf('src/main/core/\n'),
      docs.indexOf('```', docs.indexOf('src/main/core/\n')),
    );
    const named = new Set([...layout.matchAll(/(?:^|\s)([a-z-]+)\//gm)].map((m) => m[1]));
    expect(domains.filter((d) => !named.has(d))).toEqual([]);
  });

  it('the README’s source layout names every domain folder', () => {
    const readme = read('README.md');
    const line = readme.slice(readme.indexOf('src/main/core  '), readme.indexOf('src/main/shell '));
    const named = new Set(line.split(/[\s·]+/).filter(Boolean));
    expect(domains.filter((d) => !named.has(d))).toEqual([]);
  });
});
