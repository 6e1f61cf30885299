import fs from 'node:fs';
import path from 'node:path';
import { encodeWav } from '../../src/main/core/speech';
import type { Db } from '../../src/main/core/store';
import { CampaignSettingsSchema } from '../../src/shared/campaigns';

/**
 * Spreadsheet cells that would run as formulas (or hide one) if written as they are: OWASP's CSV
 * injection cases, control characters, and full-width look-alikes of = + - @.
 */
export const HOSTILE_CELLS = [
  "=cmd|' /C calc'!A0",
  '+1',
  '-2+3',
  '@SUM(1)',
  '\t=1+1',
  '\r=1+1',
  '\0=1+1',
  '＝1+1',
  '＋1',
  '－1',
  '＠SUM(1)',
  '=HYPERLINK("http://x","a, ""b""\nc")',
] as const;

const STATES = ['completed', 'completed', 'busy', 'no_answer', 'failed', 'completed'] as const;
const BASE = Date.parse('2026-11-20T09:00:00.000Z');

export interface SeedCalls {
  campaignId: string;
  campaignName?: string;
  listId: number;
  calls: number;
  /** Put the hostile corpus into names, dispositions, flags and transcript lines. */
  hostile?: boolean;
  /** First call's creation time, ms; calls follow each other by 10 s. */
  startMs?: number;
  /** Who created the campaign. */
  createdBy?: string;
  /** Rows per transaction (the bench seeds 100,000). */
  batch?: number;
  /** Write each answered call's recordings here as real WAV files (half a second of tone each). */
  recordingsDir?: string;
  /** The i-th contact's name and what the caller says, instead of the defaults (e.g. HTML injection). */
  name?: (i: number) => string;
  callerText?: (i: number) => string;
}

/** Half a second of a 440 Hz tone at 8 kHz, 16-bit mono: a recording a browser plays. */
function toneWav(): Buffer {
  const n = 4000;
  const pcm = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++)
    pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), i * 2);
  return encodeWav({ pcm, sampleRate: 8000 });
}

/**
 * Seeds a campaign's calls straight into SQLite (fast, deterministic): attempts in every outcome,
 * campaign attempts with flags, voicebot sessions with transcript lines, per-turn latencies and
 * recording paths. Returns the attempt ids in creation order.
 */
export function seedCampaignCalls(db: Db, o: SeedCalls): string[] {
  const start = o.startMs ?? BASE;
  const at = (ms: number) => new Date(ms).toISOString();
  db.prepare(
    `INSERT INTO campaigns (id, name, state, list_id, contact_ids, settings, created_at, created_by, updated_at)
     VALUES (?, ?, 'completed', ?, NULL, ?, ?, ?, ?)`,
  ).run(
    o.campaignId,
    o.campaignName ?? `Campaign ${o.campaignId}`,
    o.listId,
    // Settings as the campaign service writes them (it validates them on every read).
    JSON.stringify(CampaignSettingsSchema.parse({ bot: 'appointment-reminder' })),
    at(start),
    o.createdBy ?? 'creator',
    at(start),
  );
  const attempt = db.prepare(
    `INSERT INTO call_attempts (id, contact_id, list_id, campaign_id, number, mode, provider, provider_sid,
       custom_field, state, transfer_decision, answered_by, end_reason, duration_sec, created_at, updated_at,
       answered_at, ended_at, price)
     VALUES (@id, @contactId, @listId, @campaignId, @number, 'stream', 'sandbox', @sid, '{}', @state, @transfer,
       @answeredBy, @endReason, @duration, @created, @created, @answered, @ended, @price)`,
  );
  const contact = db.prepare(
    `INSERT OR IGNORE INTO campaign_contacts (campaign_id, contact_id, position, number, name, status, attempts, updated_at)
     VALUES (?, ?, ?, ?, ?, 'done', 1, ?)`,
  );
  const campaignAttempt = db.prepare(
    `INSERT INTO campaign_attempts (attempt_id, campaign_id, contact_id, attempt_no, outcome, disposition, flags,
       created_at, finished_at) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)`,
  );
  const session = db.prepare(
    `INSERT INTO voicebot_sessions (id, attempt_id, stream_sid, call_sid, bot_id, sample_rate, started_at, ended_at,
       disposition, transfer, duration_ms, turns, caller_wav, bot_wav, mix_wav)
     VALUES (?, ?, ?, ?, 'demo', 8000, ?, ?, ?, ?, ?, 2, ?, ?, ?)`,
  );
  const line = db.prepare(
    `INSERT INTO voicebot_lines (session_id, seq, turn, speaker, kind, text, start_ms, end_ms)
     VALUES (?, ?, ?, ?, 'speech', ?, ?, ?)`,
  );
  const metric = db.prepare(
    `INSERT INTO voicebot_turn_metrics (session_id, turn, input, voice_to_voice_ms, bot_audio_ms)
     VALUES (?, ?, 'speech', ?, 1000)`,
  );
  const hostile = (i: number) => HOSTILE_CELLS[i % HOSTILE_CELLS.length]!;
  const ids: string[] = [];
  const batch = o.batch ?? 5000;
  const wav = o.recordingsDir ? toneWav() : null;
  if (o.recordingsDir) fs.mkdirSync(o.recordingsDir, { recursive: true });
  const recording = (sid: string, channel: string) => {
    if (!o.recordingsDir || !wav) return `/data/recordings/${sid}-${channel}.wav`;
    const file = path.join(o.recordingsDir, `${sid}-${channel}.wav`);
    fs.writeFileSync(file, wav);
    return file;
  };
  for (let from = 0; from < o.calls; from += batch) {
    db.transaction(() => {
      for (let i = from; i < Math.min(o.calls, from + batch); i++) {
        const id = `${o.campaignId}-a${String(i).padStart(6, '0')}`;
        const created = start + i * 10_000;
        const state = STATES[i % STATES.length]!;
        const answered = state === 'completed';
        const duration = answered ? 20 + (i % 41) : null;
        const contactId = i + 1;
        const number = `+9197${String(i).padStart(8, '0')}`;
        const name = o.name?.(i) ?? (o.hostile ? hostile(i) : `Customer ${i} — ग्राहक`);
        attempt.run({
          id,
          contactId: String(contactId),
          listId: String(o.listId),
          campaignId: o.campaignId,
          number,
          sid: `sid-${id}`,
          state,
          transfer: answered && i % 7 === 0 ? 'agent' : null,
          answeredBy: answered ? (i % 11 === 0 ? 'machine' : 'human') : null,
          endReason: state,
          duration,
          created: at(created),
          answered: answered ? at(created + 3000) : null,
          ended: at(created + 3000 + (duration ?? 0) * 1000),
          // The carrier's price: answered calls charged, others free or not settled yet.
          price: answered ? 0.5 + (i % 3) * 0.25 : i % 2 === 0 ? 0 : null,
        });
        contact.run(o.campaignId, contactId, i + 1, number, name, at(created));
        const disposition = answered
          ? o.hostile
            ? hostile(i + 1)
            : i % 3 === 0
              ? 'confirmed'
              : 'cancelled'
          : null;
        const flags =
          i % 5 === 0
            ? JSON.stringify(['completed under 5 s', ...(o.hostile ? [hostile(i + 2)] : [])])
            : '[]';
        campaignAttempt.run(
          id,
          o.campaignId,
          contactId,
          answered ? 'answered' : state === 'no_answer' ? 'no_answer' : state,
          disposition,
          flags,
          at(created),
          at(created + 60_000),
        );
        if (!answered) continue;
        const sid = `${id}-s`;
        session.run(
          sid,
          id,
          `stream-${id}`,
          `sid-${id}`,
          at(created + 3000),
          at(created + 3000 + (duration ?? 0) * 1000),
          disposition,
          i % 7 === 0 ? 'agent' : 'none',
          (duration ?? 0) * 1000,
          recording(sid, 'caller'),
          recording(sid, 'bot'),
          recording(sid, 'mix'),
        );
        line.run(sid, 0, 0, 'bot', `Hello ${name}, this is a reminder.`, 0, 2000);
        line.run(
          sid,
          1,
          1,
          'caller',
          o.callerText?.(i) ?? (o.hostile ? hostile(i + 3) : 'हाँ, yes'),
          2500,
          3200,
        );
        metric.run(sid, 1, 400 + (i % 9) * 50);
        metric.run(sid, 2, 600 + (i % 4) * 100);
      }
    })();
    ids.push(
      ...Array.from(
        { length: Math.min(o.calls, from + batch) - from },
        (_, k) => `${o.campaignId}-a${String(from + k).padStart(6, '0')}`,
      ),
    );
  }
  return ids;
}

/** A contact list row as an import leaves it (no contacts: the calls carry their own numbers). */
export function seedList(db: Db, name: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO contact_lists (name, created_at, created_by, file_name, file_size, file_sha256, format,
           source, headers, mapping, region, data_rows, blank_rows)
         VALUES (?, ?, 'importer', 'customers.csv', 1, 'sha', 'csv', '{}', '[]', '{}', 'IN', 0, 0)`,
      )
      .run(name, new Date(BASE).toISOString()).lastInsertRowid,
  );
}

/**
 * A finished QA run: `scenarios` scenario runs (passed, failed with two failures and a judge's
 * reasoning, no verdict), each with two recorded turns. Returns the run id.
 */
export function seedQaRun(
  db: Db,
  runId: string,
  scenarios: number,
  hostile = false,
  /** Given: each scenario run's caller and bot audio written under its qa/runs, as artifacts. */
  dataDir?: string,
): string {
  const at = new Date(BASE).toISOString();
  db.prepare(
    `INSERT INTO qa_runs (id, job_id, suite_dir, suite_name, bot, callers, repeat, parallel, seed, state, total,
       started_at, finished_at) VALUES (?, NULL, '/suites/x', 'Reminder suite', 'demo', '["synthetic"]', 1, 1, 7,
       'finished', ?, ?, ?)`,
  ).run(runId, scenarios, at, at);
  const run = db.prepare(
    `INSERT INTO qa_scenario_runs (id, run_id, seq, scenario_file, scenario_name, caller, repeat, seed, verdict,
       end_reason, error, duration_ms, wall_ms, variables, evaluation, created_at)
     VALUES (?, ?, ?, ?, ?, 'synthetic', 1, 7, ?, 'bot_hangup', NULL, 9000, 100, '{}', ?, ?)`,
  );
  const turn = db.prepare('INSERT INTO qa_turns (scenario_run_id, idx, data) VALUES (?, ?, ?)');
  const verdicts = ['passed', 'failed', 'no_verdict'] as const;
  for (let i = 0; i < scenarios; i++) {
    const id = `${runId}-s${i}`;
    const verdict = verdicts[i % 3]!;
    const failures =
      verdict === 'failed'
        ? [
            {
              kind: 'wrong_reply',
              turn: 1,
              expectation: 'says.contains "cancelled"',
              actual: hostile ? '=1+1' : 'okay',
            },
            { kind: 'slow_reply', turn: 1, expectation: 'within_ms 1500', actual: '2100 ms' },
          ]
        : [];
    const evaluation = {
      outcome: verdict === 'passed' ? 'pass' : verdict === 'failed' ? 'fail' : 'no_verdict',
      failures,
      judged:
        verdict === 'no_verdict'
          ? [{ criterion: 'polite', verdict: 'no_verdict', reasoning: 'could not tell' }]
          : [],
      turns: [
        { index: 0, callerText: '', botText: 'Hello, this is a reminder.', talkOverMs: 0, outcome: 'pass' },
        {
          index: 1,
          callerText: 'cancel it',
          botText: hostile ? '@SUM(1)' : 'It is cancelled.',
          talkOverMs: 0,
          outcome: 'pass',
        },
      ],
      metrics: { latencyMs: [500], longSilences: 0, longestSilenceMs: 0, talkOvers: 0 },
    };
    run.run(
      id,
      runId,
      i,
      `s${i}.yaml`,
      hostile ? `-scenario ${i}` : `Scenario ${i}`,
      verdict,
      JSON.stringify(evaluation),
      at,
    );
    const base = { marks: [], bargeIn: false, botClearedMs: null, botTextReported: null };
    turn.run(
      id,
      0,
      JSON.stringify({
        ...base,
        index: 0,
        step: null,
        action: 'greeting',
        callerText: null,
        callerStartMs: null,
        callerEndMs: null,
        botStartMs: 100,
        botEndMs: 2000,
      }),
    );
    turn.run(
      id,
      1,
      JSON.stringify({
        ...base,
        index: 1,
        step: 0,
        action: 'say',
        callerText: 'cancel it',
        callerStartMs: 2500,
        callerEndMs: 3200,
        botStartMs: 3700,
        botEndMs: 5000,
      }),
    );
  }
  if (dataDir) {
    const wav = toneWav();
    fs.mkdirSync(path.join(dataDir, 'qa', 'runs', runId), { recursive: true });
    const artifact = db.prepare(
      `INSERT INTO artifacts (id, kind, name, mime, size, sha256, rel_path, owner, created_at)
       VALUES (?, 'recording', ?, 'audio/wav', ?, NULL, ?, ?, ?)`,
    );
    const link = db.prepare('UPDATE qa_scenario_runs SET caller_audio = ?, bot_audio = ? WHERE id = ?');
    for (let i = 0; i < scenarios; i++) {
      const id = `${runId}-s${i}`;
      const ids = (['caller', 'bot'] as const).map((channel) => {
        const rel = path.join('qa', 'runs', runId, `${id}-${channel}.wav`);
        fs.writeFileSync(path.join(dataDir, rel), wav);
        artifact.run(`${id}-${channel}`, path.basename(rel), wav.length, rel, `qa_run:${runId}`, at);
        return `${id}-${channel}`;
      });
      link.run(ids[0], ids[1], id);
    }
  }
  return runId;
}
