import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CallStatsQuery, type CallScope } from '../../../src/main/core/calls';
import { SqliteExportSource } from '../../../src/main/core/reports';
import { openDatabase } from '../../../src/main/core/store';
import { CALL_STATES } from '../../../src/shared/telephony';
import type { ExportScope } from '../../../src/shared/reports';
import { seedList } from '../../helpers/export-seed';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * An export's summary statistics are folded from the calls and sessions it reads (CallStatsFold),
 * not read by a second pass: they must equal the dashboard's CallStatsQuery over the same calls,
 * whatever the data. Random calls in every state, over several hours and two campaigns, with flags
 * of every JSON shape (text items, other items, an object, broken JSON), sessions with dispositions
 * whose order depends on SQLite's byte order (astral and U+FFxx characters), fractional latencies.
 */

const tmp = makeTempDir('calldeck-stats-fold-');
afterAll(() => tmp.cleanup());

const HOURS = ['2026-11-20T09', '2026-11-20T10', '2026-11-21T23', '2026-11-22T00'];
const WORDS = ['a', 'b', 'confirmed', 'ａ', '😀', '\uFFFD', 'ß', 'B'];
const at = (hour: string, minute: number) => `${hour}:${String(minute).padStart(2, '0')}:00.000Z`;

const flagsArb = fc.oneof(
  fc.constant('[]'),
  fc.constant('["a", "a", "b"]'),
  fc.array(fc.constantFrom(...WORDS), { maxLength: 3 }).map((f) => JSON.stringify(f)),
  fc.constant('["a", 1, null, {"x": "b"}]'),
  fc.constant('{"x": "a"}'),
  fc.constant('[broken'),
);
const sessionArb = fc.record({
  disposition: fc.option(fc.constantFrom(...WORDS)),
  hour: fc.constantFrom(...HOURS),
  minute: fc.integer({ min: 0, max: 59 }),
  latencies: fc.array(fc.option(fc.double({ min: 1, max: 3000, noNaN: true })), { maxLength: 3 }),
});
const callArb = fc.record({
  campaign: fc.constantFrom('c1', 'c2'),
  state: fc.constantFrom(...CALL_STATES),
  answered: fc.boolean(),
  duration: fc.option(
    fc.oneof(fc.integer({ min: 0, max: 600 }), fc.double({ min: 0, max: 600, noNaN: true })),
  ),
  hour: fc.constantFrom(...HOURS),
  minute: fc.integer({ min: 0, max: 59 }),
  flags: flagsArb,
  inCampaign: fc.boolean(),
  sessions: fc.array(sessionArb, { maxLength: 2 }),
});

type CallCase = typeof callArb extends fc.Arbitrary<infer T> ? T : never;

function seed(file: string, calls: CallCase[]): void {
  const db = openDatabase(file);
  try {
    const list = seedList(db, 'fold');
    for (const id of ['c1', 'c2'])
      db.prepare(
        `INSERT INTO campaigns (id, name, state, list_id, contact_ids, settings, created_at, created_by, updated_at)
         VALUES (?, ?, 'completed', ?, NULL, '{}', '2026-11-20T00:00:00.000Z', 'x', '2026-11-20T00:00:00.000Z')`,
      ).run(id, id, list);
    calls.forEach((c, i) => {
      const id = `a${i}`;
      const created = at(c.hour, c.minute);
      db.prepare(
        `INSERT INTO call_attempts (id, campaign_id, number, mode, provider, custom_field, state, duration_sec,
           created_at, updated_at, answered_at)
         VALUES (?, ?, ?, 'stream', 'sandbox', '{}', ?, ?, ?, ?, ?)`,
      ).run(
        id,
        c.campaign,
        `+91970000${String(i).padStart(4, '0')}`,
        c.state,
        c.duration,
        created,
        created,
        c.answered ? created : null,
      );
      if (c.inCampaign)
        db.prepare(
          `INSERT INTO campaign_attempts (attempt_id, campaign_id, contact_id, attempt_no, outcome, flags, created_at)
           VALUES (?, ?, ?, 1, 'answered', ?, ?)`,
        ).run(id, c.campaign, i + 1, c.flags, created);
      c.sessions.forEach((s, k) => {
        const sid = `${id}-s${k}`;
        db.prepare(
          `INSERT INTO voicebot_sessions (id, attempt_id, stream_sid, call_sid, bot_id, sample_rate, started_at, disposition)
           VALUES (?, ?, ?, ?, 'demo', 8000, ?, ?)`,
        ).run(sid, id, sid, sid, at(s.hour, s.minute), s.disposition);
        s.latencies.forEach((v, turn) =>
          db
            .prepare(
              `INSERT INTO voicebot_turn_metrics (session_id, turn, input, voice_to_voice_ms, bot_audio_ms)
               VALUES (?, ?, 'speech', ?, 1000)`,
            )
            .run(sid, turn, v),
        );
      });
    });
  } finally {
    db.close();
  }
}

describe("an export's summary statistics folded from its rows", () => {
  it('equal the dashboard’s CallStatsQuery for any calls, campaign and date range alike', () => {
    let n = 0;
    fc.assert(
      fc.property(fc.array(callArb, { maxLength: 30 }), (calls) => {
        const file = path.join(tmp.dir, `fold-${n++}.sqlite`);
        seed(file, calls);
        const range = { from: '2026-11-20T10:00:00.000Z', to: '2026-11-22T00:30:00.000Z' };
        const scopes: [ExportScope, CallScope][] = [
          [{ kind: 'campaign', campaignId: 'c1' }, { campaignId: 'c1' }],
          [{ kind: 'range', ...range }, range],
        ];
        const db = new Database(file, { readonly: true });
        try {
          for (const [scope, callScope] of scopes) {
            const expected = new CallStatsQuery(db).stats(callScope);
            // Rows first: the statistics come from the fold.
            const folded = new SqliteExportSource(
              new Database(file, { readonly: true }),
              scope,
              new Date(),
              {},
            );
            try {
              for (const _ of folded.calls());
              expect(folded.summary.calls).toEqual(expected);
            } finally {
              folded.close();
            }
            // The summary first (HTML, PDF): read by SQL, the same.
            const first = new SqliteExportSource(
              new Database(file, { readonly: true }),
              scope,
              new Date(),
              {},
            );
            try {
              expect(first.summary.calls).toEqual(expected);
            } finally {
              first.close();
            }
          }
        } finally {
          db.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
