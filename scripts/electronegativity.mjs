// Runs @doyensec/electronegativity over src/ and fails on any finding above LOW that is not in
// security/electronegativity-reviewed.json. Its CLI always exits 0 and, here, cannot even start (it
// expects an old `commander` hoisted beside it), so we call its runner and read its findings.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const run = require('@doyensec/electronegativity');
const electronVersion = require('electron/package.json').version;

const log = console.log;
console.log = () => {}; // the runner prints its whole result object
let result;
try {
  // Without `output` and outside CLI mode the runner returns its findings as objects.
  result = await run({
    input: path.join(root, 'src'),
    customScan: [],
    excludeFromScan: [],
    isRelative: true,
    isVerbose: false,
    parserPlugins: [],
    electronVersionOverride: electronVersion,
  });
} finally {
  console.log = log;
}
if (result.errors.length > 0) {
  console.error('electronegativity could not parse some files:', result.errors);
  process.exit(1);
}
const rows = result.issues.map((i) => ({
  id: i.id,
  severity: i.severity.name,
  file: i.file,
  location: `${i.location.line}:${i.location.column}`,
  description: i.description,
}));

const reviewed = JSON.parse(
  fs.readFileSync(path.join(root, 'security', 'electronegativity-reviewed.json'), 'utf8'),
).reviewed;
const isReviewed = (f) => reviewed.some((r) => r.id === f.id && r.file === f.file);
const aboveLow = rows.filter((f) => !['LOW', 'INFORMATIONAL'].includes(f.severity));
const failing = aboveLow.filter((f) => !isReviewed(f));

for (const f of rows) {
  const tag = failing.includes(f) ? 'FAIL' : aboveLow.includes(f) ? 'reviewed' : 'ok (low)';
  console.log(`${tag.padEnd(9)} ${f.severity.padEnd(7)} ${f.id} ${f.file}:${f.location} — ${f.description}`);
}
if (failing.length > 0) {
  console.error(
    `\nelectronegativity: ${failing.length} finding(s) above LOW need fixing or a reviewed entry.`,
  );
  process.exit(1);
}
console.log(`\nelectronegativity: ${rows.length} finding(s), none above LOW left unreviewed.`);
