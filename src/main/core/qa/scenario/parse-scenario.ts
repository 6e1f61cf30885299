import YAML, { isNode, LineCounter, type Document } from 'yaml';
import type { z } from 'zod';
import { ScenarioSchema, type QaScenarioProblem, type Scenario } from '../../../../shared/qa';

export type ScenarioParse =
  { ok: true; scenario: Scenario; problems: [] } | { ok: false; problems: QaScenarioProblem[] };

/** `steps[2].expect.within_ms` from zod's path. */
export function formatField(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return 'is required';
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s): ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
  }
  if (issue.code === 'invalid_union') {
    const last = issue.path.at(-2);
    if (last === 'steps')
      return 'a step is one of: say, clip, dtmf, silence_ms (with optional barge_in_ms, expect)';
    return 'is not one of the allowed forms (see resources/qa/README.md)';
  }
  return issue.message;
}

/**
 * A union's error says only "no form matched". When exactly one form nearly matched (the fewest
 * problems, and not a wrong type at its root), its own problems are what the author needs to see.
 */
function flatten(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const candidates = issue.errors.filter(
    (branch) => branch.length > 0 && !branch.some((i) => i.path.length === 0 && i.code === 'invalid_type'),
  );
  const fewest = Math.min(...candidates.map((b) => b.length));
  const best = candidates.filter((b) => b.length === fewest);
  if (best.length !== 1 || !best[0]) return [issue];
  return best[0].flatMap((i) => flatten({ ...i, path: [...issue.path, ...i.path] }));
}

/** The line and column of the deepest node of `path` that exists in the document. */
function locate(
  doc: Document,
  counter: LineCounter,
  path: readonly PropertyKey[],
): { line: number; column: number } | null {
  const keys = path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number');
  for (let n = keys.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = counter.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return null;
}

/**
 * Parses one scenario file's text and validates it. Every problem names the file, the line and the
 * field (a missing field points at its parent's line), so a QA engineer finds it without guessing.
 */
export function parseScenario(text: string, file: string): ScenarioParse {
  const counter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          field: '',
          message: `YAML syntax error: ${e.message.split('\n')[0] ?? e.code}`,
        };
      }),
    };
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 50 });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      ok: false,
      problems: [
        { file, line: 1, column: 1, field: '', message: 'must be a YAML mapping (key: value pairs)' },
      ],
    };
  }
  const parsed = ScenarioSchema.safeParse(raw);
  if (parsed.success) return { ok: true, scenario: parsed.data, problems: [] };
  return {
    ok: false,
    problems: parsed.error.issues.flatMap(flatten).map((issue) => {
      const at = locate(doc, counter, issue.path);
      return {
        file,
        line: at?.line ?? null,
        column: at?.column ?? null,
        field: formatField(issue.path),
        message: issueMessage(issue),
      };
    }),
  };
}

/** One line per problem: `confirm.yaml:12:5 steps[1].say: must not be empty`. */
export function formatProblem(p: QaScenarioProblem): string {
  const where = p.line === null ? p.file : `${p.file}:${p.line}${p.column === null ? '' : `:${p.column}`}`;
  return `${where} ${p.field ? `${p.field}: ` : ''}${p.message}`;
}
