import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditTrail, DATA_TOOL, MemorySecretStore, openAuditLog, openDatabase } from '../../../src/main/core';
import { Retention } from '../../../src/main/core/data-care';
import { createLogger } from '../../../src/main/core/logging';
import { RetentionRepository, SettingsRepository, type Db } from '../../../src/main/core/store';
import { FileSecretStore } from '../../../src/main/server';
import { runRetentionCommand, runRetentionSetCommand } from '../../../src/main/server/commands/data-care';
import { backupTo, openDataFolder } from './backup-rig';
import type { RetentionRunResult } from '../../../src/shared/data-care';
import { ok, untilAsync } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NOW = new Date('2026-06-30T12:00:00.000Z');
const OFF = {
  recordingsDays: null,
  transcriptsDays: null,
  callRecordsDays: null,
  qaRecordingsDays: null,
  backupsKept: null,
};
const ago = (days: number, ms = 0) => new Date(NOW.getTime() - days * 86_400_000 + ms).toISOString();

/** Calls as the dialer and the voicebot leave them: campaign, attempt, events, session, lines, WAVs. */
function seed(db: Db, dir: string) {
  const campaign = db.prepare(
    `INSERT INTO campaigns (id, name, state, list_id, settings, created_at, created_by, updated_at)
     VALUES (?, ?, ?, 1, '{}', ?, 'tester', ?)`,
  );
  campaign.run('done', 'Done', 'completed', ago(60), ago(60));
  campaign.run('live', 'Live', 'running', ago(60), ago(60));
  const attempt = db.prepare(
    `INSERT INTO call_attempts (id, campaign_id, number, mode, provider, custom_field, state, created_at, updated_at, ended_at)
     VALUES (?, ?, '+919800000001', 'flow', 'sandbox', 'x', ?, ?, ?, ?)`,
  );
  const event = db.prepare(
    `INSERT INTO call_events (attempt_id, source, type, payload, received_at, dedupe_key) VALUES (?, 'api', 't', '{}', ?, ?)`,
  );
  const campaignAttempt = db.prepare(
    `INSERT INTO campaign_attempts (attempt_id, campaign_id, contact_id, attempt_no, created_at) VALUES (?, ?, ?, 1, ?)`,
  );
  const session = db.prepare(
    `INSERT INTO voicebot_sessions (id, attempt_id, stream_sid, call_sid, bot_id, sample_rate, started_at, ended_at, caller_wav, bot_wav, mix_wav)
     VALUES (?, ?, 's', 'c', 'bot', 8000, ?, ?, ?, ?, ?)`,
  );
  const line = db.prepare(
    `INSERT INTO voicebot_lines (session_id, seq, turn, speaker, kind, text, start_ms, end_ms) VALUES (?, ?, 1, 'bot', 'say', 'hello', 0, 10)`,
  );
  const calls: [
    id: string,
    campaignId: string | null,
    createdDaysAgo: number,
    ended: boolean,
    extraMs?: number,
  ][] = [
    ['old', 'done', 40, true], // older than 30 days, campaign completed: deleted
    ['edge', 'done', 30, true, 1], // 1 ms younger than the cutoff: kept
    ['young', 'done', 10, true], // kept
    ['needed', 'live', 40, true], // old, but its campaign still runs: kept
    ['open', null, 40, false], // old test call still open: kept
  ];
  let contact = 0;
  for (const [id, campaignId, days, ended, extra] of calls) {
    const at = ago(days, extra);
    attempt.run(id, campaignId, ended ? 'completed' : 'in_progress', at, at, ended ? at : null);
    event.run(id, at, `${id}-1`);
    event.run(id, at, `${id}-2`);
    if (campaignId) campaignAttempt.run(id, campaignId, ++contact, at);
    const wavDir = path.join(dir, 'recordings', `s-${id}`);
    fs.mkdirSync(wavDir, { recursive: true });
    const wavs = ['caller', 'bot', 'mix'].map((c) => path.join(wavDir, `${c}.wav`));
    for (const w of wavs) fs.writeFileSync(w, `RIFF ${id}`);
    session.run(`s-${id}`, id, at, ended ? at : null, ...wavs);
    line.run(`s-${id}`, 1);
    line.run(`s-${id}`, 2);
  }
}

/** Retention on this database and folder, its clock fixed at NOW. */
const retentionAt = (db: Db, trail: AuditTrail, dir: string) =>
  new Retention({
    repo: new RetentionRepository(db),
    settings: new SettingsRepository(db),
    trail,
    dataDir: dir,
    log: createLogger([], 'error'),
    now: () => NOW,
  });

describe('retention', () => {
  it('deletes exactly what is older than each class’s days (fixed clock), never what a running campaign or an open call needs, one audit row per class', () => {
    const { dir, cleanup } = makeTempDir('calldeck-retention-');
    cleanups.push(cleanup);
    const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
    cleanups.push(() => {
      db.close();
    });
    const audit = openAuditLog(db, dir, new MemorySecretStore());
    const trail = new AuditTrail(audit, () => undefined);
    seed(db, dir);
    const retention = retentionAt(db, trail, dir);
    // Off by default: nothing is deleted and nothing is written.
    const before = Number(db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get());
    expect(retention.run('tester').classes).toEqual([]);
    expect(Number(db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get())).toBe(before);

    retention.set(
      {
        recordingsDays: 30,
        transcriptsDays: 30,
        callRecordsDays: 30,
        qaRecordingsDays: null,
        backupsKept: null,
      },
      trail.open({ actor: 'tester', action: 'data.setRetention', subject: 'data.retention' }),
    );
    const result = retention.run('tester');
    const cutoff = ago(30);
    expect(result.classes).toEqual([
      { class: 'recordings', days: 30, cutoff, counts: { sessions: 1, files: 3 } },
      { class: 'transcripts', days: 30, cutoff, counts: { sessions: 1, lines: 2 } },
      { class: 'callRecords', days: 30, cutoff, counts: { calls: 1, events: 2 } },
    ]);
    const ids = (sql: string) => (db.prepare(sql).pluck().all() as string[]).sort();
    expect(ids('SELECT id FROM call_attempts')).toEqual(['edge', 'needed', 'open', 'young']);
    expect(ids('SELECT DISTINCT attempt_id FROM call_events')).toEqual(['edge', 'needed', 'open', 'young']);
    expect(ids('SELECT attempt_id FROM campaign_attempts')).toEqual(['edge', 'needed', 'young']);
    expect(ids('SELECT DISTINCT session_id FROM voicebot_lines')).toEqual([
      's-edge',
      's-needed',
      's-open',
      's-young',
    ]);
    expect(ids('SELECT id FROM voicebot_sessions WHERE caller_wav IS NULL')).toEqual(['s-old']);
    // The files went with their rows (and the session's folder); every other recording is still there.
    expect(fs.readdirSync(path.join(dir, 'recordings')).sort()).toEqual([
      's-edge',
      's-needed',
      's-open',
      's-young',
    ]);

    const rows = db
      .prepare("SELECT actor, subject, payload FROM audit_log WHERE action = 'data.retention' ORDER BY seq")
      .all() as { actor: string; subject: string; payload: string }[];
    expect(rows.map((r) => [r.subject, JSON.parse(r.payload) as unknown])).toEqual([
      ['recordings', { outcome: 'ok', class: 'recordings', days: 30, cutoff, sessions: 1, files: 3 }],
      ['transcripts', { outcome: 'ok', class: 'transcripts', days: 30, cutoff, sessions: 1, lines: 2 }],
      ['callRecords', { outcome: 'ok', class: 'callRecords', days: 30, cutoff, calls: 1, events: 2 }],
    ]);
    expect(audit.verify().ok).toBe(true);
    // A second run finds nothing more, and says so in its rows.
    expect(retention.run('tester').classes.map((c) => c.counts)).toEqual([
      { sessions: 0, files: 0 },
      { sessions: 0, lines: 0 },
      { calls: 0, events: 0 },
    ]);
  });

  it('is set through the Api and run by calldeck retention run', async () => {
    const { dir, cleanup } = makeTempDir('calldeck-retention-');
    cleanups.push(cleanup);
    const { core, cleanup: stop } = await makeTestCore({
      dataDir: dir,
      secrets: new FileSecretStore(path.join(dir, 'secrets.json')),
      profile: DATA_TOOL,
    });
    expect(ok(await core.invoke('data.retention', {}))).toEqual(OFF);
    const bad = await core.invoke('data.setRetention', { ...OFF, recordingsDays: 0 });
    expect(bad.ok).toBe(false);
    ok(await core.invoke('data.setRetention', { ...OFF, transcriptsDays: 7 }));
    await stop();
    const r: RetentionRunResult = await runRetentionCommand({ data: dir });
    expect(r.classes).toMatchObject([{ class: 'transcripts', days: 7, counts: { sessions: 0, lines: 0 } }]);
  });

  it('the app applies it when it starts (audited as calldeck) and again every day while it runs', async () => {
    const { dir, cleanup } = makeTempDir('calldeck-retention-');
    cleanups.push(cleanup);
    const secrets = new FileSecretStore(path.join(dir, 'secrets.json'));
    const tool = await makeTestCore({ dataDir: dir, secrets, profile: DATA_TOOL });
    ok(await tool.core.invoke('data.setRetention', { ...OFF, transcriptsDays: 1 }));
    await tool.cleanup();
    const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
    db.prepare(
      `INSERT INTO voicebot_sessions (id, stream_sid, call_sid, bot_id, sample_rate, started_at, ended_at)
       VALUES ('s1', 's', 'c', 'bot', 8000, '2020-01-01T00:00:00.000Z', '2020-01-01T00:01:00.000Z')`,
    ).run();
    db.prepare(
      `INSERT INTO voicebot_lines (session_id, seq, turn, speaker, kind, text, start_ms, end_ms) VALUES ('s1', 1, 1, 'bot', 'say', 'hi', 0, 1)`,
    ).run();
    db.close();
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    cleanups.push(() => {
      vi.useRealTimers();
    });
    const app = await makeTestCore({ dataDir: dir, secrets, telephony: 'sandbox' });
    cleanups.push(app.cleanup);
    const rows = async () =>
      ok<{ entries: { action: string; actor: string; payload: string }[] }>(
        await app.core.invoke('audit.list', { limit: 50 }),
      ).entries.filter((e) => e.action === 'data.retention');
    const first = await untilAsync(async () => ((await rows()).length > 0 ? await rows() : undefined));
    expect(first.map((r) => [r.actor, JSON.parse(r.payload) as unknown])).toEqual([
      ['calldeck', expect.objectContaining({ class: 'transcripts', days: 1, sessions: 1, lines: 1 })],
    ]);
    vi.advanceTimersByTime(86_400_000);
    expect((await rows()).length).toBe(2);
    vi.advanceTimersByTime(86_400_000);
    expect((await rows()).length).toBe(3);
  });

  it('deletes the recordings of finished QA runs older than its days (files and artifact rows, audited), keeping verdicts, younger runs and running ones; settings saved before the class existed still read', () => {
    const { dir, cleanup } = makeTempDir('calldeck-retention-');
    cleanups.push(cleanup);
    const db = openDatabase(path.join(dir, 'calldeck.sqlite'));
    cleanups.push(() => {
      db.close();
    });
    const trail = new AuditTrail(openAuditLog(db, dir, new MemorySecretStore()), () => undefined);
    const run = db.prepare(
      `INSERT INTO qa_runs (id, suite_dir, suite_name, bot, callers, repeat, parallel, seed, state, started_at)
       VALUES (?, 'suite', 'Suite', 'demo', 'synthetic', 1, 1, 1, ?, ?)`,
    );
    const scenario = db.prepare(
      `INSERT INTO qa_scenario_runs (id, run_id, seq, scenario_file, scenario_name, caller, repeat, seed, verdict,
         end_reason, duration_ms, wall_ms, variables, caller_audio, bot_audio, created_at)
       VALUES (?, ?, 0, 'a.yaml', 'A', 'synthetic', 1, 1, 'passed', 'hangup', 1, 1, '{}', ?, ?, ?)`,
    );
    const artifact = db.prepare(
      `INSERT INTO artifacts (id, kind, name, mime, size, rel_path, owner, created_at)
       VALUES (?, 'recording', ?, 'audio/wav', 4, ?, ?, ?)`,
    );
    const runs: [id: string, state: string, days: number][] = [
      ['old', 'finished', 40],
      ['old-running', 'running', 40],
      ['young', 'finished', 10],
    ];
    for (const [id, state, days] of runs) {
      run.run(id, state, ago(days));
      const ids = ['caller', 'bot'].map((ch) => {
        const rel = `qa/runs/${id}/001-a-${ch}.wav`;
        fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), 'RIFF');
        artifact.run(`${id}-${ch}`, path.basename(rel), rel, `qa_run:${id}`, ago(days));
        return `${id}-${ch}`;
      });
      scenario.run(`${id}-s`, id, ids[0], ids[1], ago(days));
    }
    // Settings as saved before QA recordings and backups had a class: still read, those classes off.
    new SettingsRepository(db).set(
      'data.retention',
      JSON.stringify({ recordingsDays: null, transcriptsDays: null, callRecordsDays: null }),
    );
    const retention = retentionAt(db, trail, dir);
    expect(retention.get()).toEqual(OFF);
    retention.set(
      { ...OFF, qaRecordingsDays: 30 },
      trail.open({ actor: 'tester', action: 'data.setRetention', subject: 'data.retention' }),
    );
    const result = retention.run('tester');
    expect(result.classes).toEqual([
      { class: 'qaRecordings', days: 30, cutoff: ago(30), counts: { runs: 1, files: 2 } },
    ]);
    const ids = (sql: string) => (db.prepare(sql).pluck().all() as string[]).sort();
    expect(ids("SELECT id FROM artifacts WHERE kind = 'recording'")).toEqual([
      'old-running-bot',
      'old-running-caller',
      'young-bot',
      'young-caller',
    ]);
    expect(fs.existsSync(path.join(dir, 'qa/runs/old'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'qa/runs')).sort()).toEqual(['old-running', 'young']);
    // The verdicts stay.
    expect(ids('SELECT id FROM qa_scenario_runs')).toEqual(['old-running-s', 'old-s', 'young-s']);
    const row = db
      .prepare("SELECT subject, payload FROM audit_log WHERE action = 'data.retention'")
      .get() as { subject: string; payload: string };
    expect([row.subject, JSON.parse(row.payload)]).toEqual([
      'qaRecordings',
      { outcome: 'ok', class: 'qaRecordings', days: 30, cutoff: ago(30), runs: 1, files: 2 },
    ]);
  });

  it('keeps only the newest N backups (set by calldeck retention set): applied after each backup and by a run, each deletion audited', async () => {
    const { root, dataDir, stop, cleanup } = await openDataFolder({ core: { profile: DATA_TOOL } });
    cleanups.push(cleanup);
    await stop();
    expect(
      await runRetentionSetCommand({ data: dataDir, backupsKept: '2', qaRecordingsDays: 'off' }),
    ).toEqual({
      ...OFF,
      backupsKept: 2,
    });
    await expect(runRetentionSetCommand({ data: dataDir, backupsKept: '0' })).rejects.toThrow(/At least 1/);
    const app = await makeTestCore({
      dataDir,
      secrets: new FileSecretStore(path.join(dataDir, 'secrets.json')),
      profile: DATA_TOOL,
    });
    cleanups.push(app.cleanup);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { result } = await backupTo(app.core, path.join(root, `b${i}.zip`));
      made.push(result.artifact.name);
    }
    // The oldest went when the third was made: the two newest stay, on disk and as artifacts.
    const kept = fs.readdirSync(path.join(dataDir, 'backups')).sort();
    expect(kept).toEqual(made.slice(1).sort());
    const entries = ok<{ entries: { action: string; subject: string; payload: string }[] }>(
      await app.core.invoke('audit.list', { limit: 100 }),
    ).entries.filter((e) => e.action === 'data.retention' && e.subject === 'backups');
    expect(entries.map((e) => (JSON.parse(e.payload) as { archives: number }).archives)).toEqual([1, 0, 0]);
    // A run applies the cap too (nothing more to delete now).
    const r = ok<RetentionRunResult>(await app.core.invoke('data.runRetention', {}));
    expect(r.classes).toEqual([
      { class: 'backups', days: null, kept: 2, cutoff: null, counts: { archives: 0 } },
    ]);
  });
});
