import { RuleTester } from 'eslint';
import { builtinRules } from 'eslint/use-at-your-own-risk';
import { describe, it } from 'vitest';
// @ts-expect-error: a plain ESM module of the lint setup, without type declarations
import { noProcessEnvToChildren } from '../../../eslint/child-env-rules.mjs';

// The lint entries that keep process.env away from child processes and worker threads (issue 8).
RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });
const options = noProcessEnvToChildren as unknown[];
const rule = (code: string) => ({ code, options });
const refused = (code: string) => ({ code, options, errors: 1 });

tester.run('no-restricted-syntax (child environments)', builtinRules.get('no-restricted-syntax')!, {
  valid: [
    rule("spawn(node, ['-e', src], { env: workerEnv(config) });"),
    rule('new Worker(src, { eval: true, workerData, env: Object.create(null) });'),
    rule('new Worker(src, Object.assign(Object.create(null), { eval: true, env: {} }));'),
    rule('new Worker(src, options);'),
    rule('const home = process.env.HOME;'),
  ],
  invalid: [
    refused('spawn(node, [], { env: { ...process.env, X: 1 } });'),
    refused('spawn(node, [], { env: process.env });'),
    refused('spawn(node, [], { env: Object.assign({}, process.env) });'),
    // A worker thread copies the whole process.env unless told otherwise.
    refused('new Worker(src);'),
    refused('new Worker(src, { eval: true, workerData });'),
  ],
});
