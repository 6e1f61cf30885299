import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem, loadSuite, parseScenario } from '../../../src/main/core/qa';
import { scenarioCallers } from '../../../src/shared/qa';

const good = `
name: Confirm the appointment
tags: [happy]
variables:
  name: { generate: indian_name }
  appointment_day: Monday the fifth
callers: [synthetic, human]
greeting:
  says: Am I speaking with
steps:
  - say: yes
    expect:
      says: [{ contains: appointment }, { regex: 'confirm|cancel' }]
      within_ms: 1500
  - dtmf: '1'
  - silence_ms: 500
  - say: confirm
    barge_in_ms: 700
    expect: { no_talk_over: 400, judge: The bot confirms the appointment politely }
expect:
  disposition: confirmed
  transfer: false
  hangup_by: bot
`;

describe('parseScenario', () => {
  it('accepts a full scenario and fills defaults', () => {
    const r = parseScenario(good, 'confirm.yaml');
    expect(r.problems).toEqual([]);
    if (!r.ok) throw new Error('expected ok');
    expect(r.scenario.steps).toHaveLength(4);
    expect(r.scenario.steps?.[0]?.expect?.says).toEqual([
      { contains: 'appointment' },
      { regex: 'confirm|cancel' },
    ]);
    expect(r.scenario.steps?.[3]?.expect?.judge).toEqual(['The bot confirms the appointment politely']);
    expect(r.scenario.greeting?.says).toEqual(['Am I speaking with']);
    expect(r.scenario.expect.disposition).toBe('confirmed');
    expect(r.scenario.max_duration_s).toBe(300);
    expect(scenarioCallers(r.scenario)).toEqual(['synthetic', 'human']);
  });

  it('names the file, line and field of a bad value', () => {
    const text = good.replace('within_ms: 1500', 'within_ms: fast');
    const r = parseScenario(text, 'confirm.yaml');
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    const p = r.problems[0]!;
    expect(p.field).toBe('steps[0].expect.within_ms');
    expect(p.line).toBe(text.split('\n').findIndex((l) => l.includes('within_ms: fast')) + 1);
    expect(formatProblem(p)).toMatch(/^confirm\.yaml:\d+:\d+ steps\[0\]\.expect\.within_ms: /);
  });

  it('reports an unknown field, a step of no known form and a bad regex with their lines', () => {
    const text = [
      'name: x',
      'steps:',
      '  - say: hello',
      '  - shout: hello', // line 4
      '  - say: yes',
      '    expect: { says: { regex: "(" } }', // line 6
      'expect: { dispositon: confirmed }', // line 7
    ].join('\n');
    const r = parseScenario(text, 'bad.yaml');
    expect(r.ok).toBe(false);
    const byField = new Map(r.problems.map((p) => [p.field, p]));
    expect(byField.get('steps[1]')?.line).toBe(4);
    expect(byField.get('steps[1]')?.message).toMatch(/a step is one of: say, clip, dtmf, silence_ms/);
    expect(byField.get('steps[2].expect.says.regex')?.message).toBe('must be a valid regular expression');
    expect(byField.get('steps[2].expect.says.regex')?.line).toBe(6);
    expect(byField.get('expect')?.message).toMatch(/unknown field\(s\): 'dispositon'/);
    expect(byField.get('expect')?.line).toBe(7);
  });

  it('needs steps or a goal, and a goal for the llm caller', () => {
    const r = parseScenario('name: empty\ncallers: llm\n', 'e.yaml');
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.field).sort()).toEqual(['goal', 'steps']);
    const g = parseScenario(
      'name: g\ngoal: { persona: a busy man, goal: cancel, success: the bot says cancelled }\n',
      'g.yaml',
    );
    if (!g.ok) throw new Error(g.problems.map(formatProblem).join('\n'));
    expect(scenarioCallers(g.scenario)).toEqual(['llm']);
    expect(g.scenario.goal?.max_turns).toBe(10);
  });

  it('reports YAML syntax errors with their line', () => {
    const r = parseScenario('name: x\nsteps:\n  - say: [unclosed\n', 's.yaml');
    expect(r.ok).toBe(false);
    expect(r.problems[0]?.message).toMatch(/^YAML syntax error/);
    expect(r.problems[0]?.line).toBeGreaterThanOrEqual(3);
  });

  it('a missing required field points at its parent mapping', () => {
    const r = parseScenario('tags: [a]\nsteps:\n  - say: hi\n', 'n.yaml');
    expect(r.problems).toEqual([
      { file: 'n.yaml', line: 1, column: 1, field: 'name', message: 'is required' },
    ]);
  });
});

describe('loadSuite', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists every scenario file, a bad one with its problems, and keeps the good ones', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qa-suite-'));
    await fs.writeFile(path.join(dir, 'a-confirm.yaml'), good);
    await fs.writeFile(path.join(dir, 'b-broken.yml'), 'name: broken\nsteps: []\n');
    await fs.writeFile(path.join(dir, 'notes.txt'), 'not a scenario');
    await fs.mkdir(path.join(dir, 'human'));
    const suite = await loadSuite(dir);
    expect(suite.detail.name).toBe(path.basename(dir));
    expect(suite.detail.scenarios).toBe(2);
    expect(suite.detail.invalid).toBe(1);
    expect(suite.scenarios.map((s) => s.file)).toEqual(['a-confirm.yaml']);
    const broken = suite.detail.items.find((i) => i.file === 'b-broken.yml');
    expect(broken?.problems[0]).toMatchObject({ file: 'b-broken.yml', line: 2, field: 'steps' });
    expect(broken?.text).toContain('name: broken');
  });
});
