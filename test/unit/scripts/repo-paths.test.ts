import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../../..');
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f !== '' && fs.existsSync(path.join(root, f)));
const inside = (p: string) => p === root || p.startsWith(root + path.sep);

// The README once linked a design document outside the repository and a source comment named a
// path outside it: a clone has neither. The project's notes live in the repository (docs/).
describe('the repository refers only to itself', () => {
  it('every relative link in the README and docs/ reaches a file in the repository', () => {
    const broken: string[] = [];
    for (const file of tracked.filter((f) => f === 'README.md' || /^docs\/.*\.md$/.test(f))) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!.split('#')[0]!;
        if (target === '' || /^[a-z]+:/i.test(target)) continue; // an anchor, https:, mailto:
        const resolved = path.resolve(root, path.dirname(file), decodeURIComponent(target));
        if (!inside(resolved) || !fs.existsSync(resolved)) broken.push(`${file}: ${m[1]}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('no comment in a source, test or script names a relative path that climbs out of the repository', () => {
    const outside: string[] = [];
    const code = /\.(ts|tsx|js|mjs|cjs)$/;
    for (const file of tracked.filter((f) => code.test(f))) {
      // Comments only: tests hold hostile climbing paths as data, on purpose.
      const comments = fs
        .readFileSync(path.join(root, file), 'utf8')
        .split('\n')
        .map((line) => /^\s*(?:\/\/|\/?\*)(.*)$/.exec(line)?.[1] ?? /\s\/\/\s(.*)$/.exec(line)?.[1] ?? '')
        .join('\n');
      for (const m of comments.matchAll(/(?:\.\.\/)+[\w.@-]+/g)) {
        if (!inside(path.resolve(root, path.dirname(file), m[0]))) outside.push(`${file}: ${m[0]}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
