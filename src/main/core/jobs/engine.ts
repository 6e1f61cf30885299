import { randomUUID } from 'node:crypto';
import type { JobErrorInfo, JobInfo, JobsList, JobState } from '../../../shared/jobs';
import type { Logger } from '../logging';
import type { JobRow, JobsRepository } from '../store';
import { newOwner, ownerAlive, releaseOwner } from './owner';
import { ProgressTracker } from './progress';
import { readJson, readProgress, rowToInfo } from './rows';
import { JobError, type AnyJobKind, type JobKind, type JobMeta } from './types';

export interface JobEngineOptions {
  repo: JobsRepository;
  log: Logger;
  /** Every change a UI should see: start, progress (throttled), end. */
  onUpdate: (job: JobInfo) => void;
  now?: () => number;
  /** At most one progress update per job per this many ms (the last one always goes out). */
  emitEveryMs?: number;
  /** Progress is written to the job's row at most this often. */
  persistEveryMs?: number;
  /** How often this process marks its running jobs alive, and after how long a silent owner is dead. */
  heartbeatMs?: number;
  staleAfterMs?: number;
}

/** Why a job's signal was aborted. */
type StopReason = { kind: 'cancel'; actor: string } | { kind: 'shutdown' };

interface Live {
  kind: AnyJobKind;
  info: JobInfo;
  tracker: ProgressTracker;
  controller: AbortController;
  done: Promise<JobInfo>;
  lastEmit: number;
  lastPersist: number;
  trailing?: NodeJS.Timeout;
}

/** A job whose row is written and which has not run yet (see `JobEngine.record`). */
export interface RecordedJob<I, R, A> {
  readonly kind: JobKind<I, R, A>;
  readonly input: I;
  readonly info: JobInfo;
  readonly tracker: ProgressTracker;
}

type End =
  | { state: 'succeeded'; result: unknown; summary: string | null }
  | { state: 'failed' | 'cancelled' | 'interrupted'; error: JobErrorInfo }
  /** A resumable job stopped with the app: its row stays `running` for the next start to take up. */
  | { state: 'suspended' };

/**
 * One engine for long work: every job has a row (so a reload lists it), throttled progress with a
 * time left, cancel, and a typed end. Kinds are registered by the domains that own the work; after a
 * restart each kind's rule says whether its jobs left running are resumed or marked interrupted.
 */
export class JobEngine {
  private readonly kinds = new Map<string, AnyJobKind>();
  private readonly live = new Map<string, Live>();
  private readonly owner = newOwner();
  private readonly now: () => number;
  private readonly emitEveryMs: number;
  private readonly persistEveryMs: number;
  private readonly staleAfterMs: number;
  private readonly heartbeat: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly opts: JobEngineOptions) {
    this.now = opts.now ?? Date.now;
    this.emitEveryMs = opts.emitEveryMs ?? 100;
    this.persistEveryMs = opts.persistEveryMs ?? 1000;
    const heartbeatMs = opts.heartbeatMs ?? 30_000;
    this.staleAfterMs = opts.staleAfterMs ?? heartbeatMs * 4;
    this.heartbeat = setInterval(() => {
      if (this.live.size > 0) opts.repo.heartbeat(this.owner, this.iso());
    }, heartbeatMs);
    this.heartbeat.unref();
  }

  register(kind: AnyJobKind): void {
    if (this.kinds.has(kind.name)) throw new Error(`Job kind "${kind.name}" is registered twice`);
    this.kinds.set(kind.name, kind);
  }

  /** Starts a job of a registered kind; it runs in the background. Returns its first state. */
  start<I, R, A>(kind: JobKind<I, R, A>, input: I, meta: JobMeta, attached?: A): JobInfo {
    return this.run(this.record(kind, input, meta), attached);
  }

  /**
   * Writes a job's row without running it, so a caller can commit the row in the same transaction
   * as something that must not exist without it (an audit start row); `run` it once committed.
   */
  record<I, R, A>(kind: JobKind<I, R, A>, input: I, meta: JobMeta): RecordedJob<I, R, A> {
    if (this.stopped) throw new JobError('unavailable', 'CallDeck is shutting down');
    if (this.kinds.get(kind.name) !== (kind as AnyJobKind))
      throw new Error(`Job kind "${kind.name}" is not registered`);
    const id = meta.id ?? randomUUID();
    const tracker = new ProgressTracker(kind.unit, this.now);
    const at = this.iso();
    const info: JobInfo = {
      id,
      kind: kind.name,
      title: meta.title,
      subject: meta.subject ?? null,
      actor: meta.actor,
      state: 'running',
      progress: tracker.value(),
      summary: null,
      result: null,
      error: null,
      startedAt: at,
      updatedAt: at,
      finishedAt: null,
      resumes: 0,
    };
    this.opts.repo.insert({
      id,
      kind: kind.name,
      title: info.title,
      subject: info.subject,
      actor: info.actor,
      owner: this.owner,
      input: JSON.stringify(input ?? null),
      progress: JSON.stringify(info.progress),
      started_at: at,
    });
    return { kind, input, info, tracker };
  }

  /** Runs a recorded job in the background. Returns its first state. */
  run<I, R, A>(job: RecordedJob<I, R, A>, attached?: A): JobInfo {
    if (this.live.has(job.info.id)) throw new Error(`internal: job ${job.info.id} is already running`);
    this.launch(job.kind as AnyJobKind, job.input, job.info, job.tracker, false, attached);
    return job.info;
  }

  /** Asks a running job to stop; it ends `cancelled` once its work has unwound. */
  cancel(id: string, actor: string): boolean {
    const live = this.live.get(id);
    if (!live || live.controller.signal.aborted) return false;
    live.controller.abort({ kind: 'cancel', actor } satisfies StopReason);
    return true;
  }

  get(id: string): JobInfo | undefined {
    const live = this.live.get(id);
    if (live) return live.info;
    const row = this.opts.repo.get(id);
    return row ? this.fromRow(row) : undefined;
  }

  /** Resolves with the job's final state (or its state now, if it is not running here). */
  whenDone(id: string): Promise<JobInfo | undefined> {
    return this.live.get(id)?.done ?? Promise.resolve(this.get(id));
  }

  /** Running jobs (this process's with live progress, and any another process runs), then recent ones. */
  list(req: { recent: number; kind?: string }): JobsList {
    const running = this.opts.repo
      .running()
      .filter((r) => req.kind === undefined || r.kind === req.kind)
      .map((r) => this.live.get(r.id)?.info ?? this.fromRow(r));
    const recent = this.opts.repo.recentFinished(req.recent, req.kind).map((r) => this.fromRow(r));
    return { running, recent };
  }

  /**
   * After a start: each job a dead process left running is resumed or marked interrupted, as its
   * kind declares. Call once every kind is registered.
   */
  recover(): { resumed: string[]; interrupted: string[] } {
    const resumed: string[] = [];
    const interrupted: string[] = [];
    const staleBefore = this.now() - this.staleAfterMs;
    for (const row of this.opts.repo.running()) {
      if (this.live.has(row.id)) continue;
      const silent = Date.parse(row.updated_at) < staleBefore;
      if (ownerAlive(row.owner) && !silent) continue;
      const kind = this.kinds.get(row.kind);
      const rule = kind?.restart;
      let reason: string;
      if (kind && rule?.action === 'resume') {
        const input = kind.input.safeParse(readJson(row.input));
        if (input.success) {
          const tracker = new ProgressTracker(kind.unit, this.now, readProgress(row.progress, kind.unit));
          this.opts.repo.resumed(row.id, this.owner, this.iso());
          const info = { ...this.fromRow(row), resumes: row.resumes + 1, progress: tracker.value() };
          this.opts.log.info('job resumed after a restart', { id: row.id, kind: row.kind });
          this.launch(kind, input.data, info, tracker, true);
          resumed.push(row.id);
          continue;
        }
        reason = `CallDeck stopped while this job ran, and its saved input no longer reads (${input.error.issues[0]?.message ?? 'invalid'}).`;
      } else if (rule?.action === 'interrupt') {
        reason = rule.reason;
      } else {
        reason = `CallDeck stopped while this job ran, and this version cannot take up a "${row.kind}" job.`;
      }
      const end: End = { state: 'interrupted', error: { code: 'interrupted', message: reason } };
      this.finishRow(row.id, readProgress(row.progress, kind?.unit ?? ''), end);
      this.opts.log.warn('job interrupted by a restart', { id: row.id, kind: row.kind, reason });
      this.closeInterrupted(kind, row, reason);
      const info = this.get(row.id);
      if (info) this.opts.onUpdate(info);
      interrupted.push(row.id);
    }
    return { resumed, interrupted };
  }

  /** Lets an interrupted job's kind close what its dead run left open; its failure is logged, not fatal. */
  private closeInterrupted(kind: AnyJobKind | undefined, row: JobRow, reason: string): void {
    if (!kind?.interrupted) return;
    const input = kind.input.safeParse(readJson(row.input));
    if (!input.success) {
      this.opts.log.warn('interrupted job: its input no longer reads', { id: row.id, kind: row.kind });
      return;
    }
    try {
      kind.interrupted(input.data, reason);
    } catch (err) {
      this.opts.log.error('interrupted job: its kind could not close it', {
        id: row.id,
        kind: row.kind,
        err,
      });
    }
  }

  /** Stops every running job (resumable ones stay `running` for the next start) and waits for each. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    const running = [...this.live.values()];
    for (const l of running) l.controller.abort({ kind: 'shutdown' } satisfies StopReason);
    await Promise.allSettled(running.map((l) => l.done));
    releaseOwner(this.owner);
  }

  private launch(
    kind: AnyJobKind,
    input: unknown,
    info: JobInfo,
    tracker: ProgressTracker,
    resumed: boolean,
    attached?: unknown,
  ) {
    const controller = new AbortController();
    const live: Live = { kind, info, tracker, controller, done: undefined!, lastEmit: 0, lastPersist: 0 };
    const ctx = {
      id: info.id,
      signal: controller.signal,
      resumed,
      progress: (report: Parameters<typeof tracker.update>[0]) => this.onProgress(live, report),
    };
    this.live.set(info.id, live);
    // The run starts after start() has returned, so the caller always learns the id first.
    live.done = Promise.resolve()
      .then(() => kind.run(input, ctx, attached) as Promise<unknown>)
      .then(
        (result): End => ({ state: 'succeeded', result, summary: kind.summarize?.(result) ?? null }),
        (err: unknown): End => this.classify(live, err),
      )
      .then((end) => this.end(live, end));
    this.opts.onUpdate(info);
  }

  private classify(live: Live, err: unknown): End {
    const signal = live.controller.signal;
    if (signal.aborted) {
      const reason = signal.reason as StopReason;
      if (reason.kind === 'cancel')
        return { state: 'cancelled', error: { code: 'cancelled', message: `Cancelled by ${reason.actor}` } };
      if (live.kind.restart.action === 'resume') return { state: 'suspended' };
      return { state: 'interrupted', error: { code: 'interrupted', message: live.kind.restart.reason } };
    }
    if (err instanceof JobError) return { state: 'failed', error: err.toInfo() };
    const known = live.kind.failure?.(err);
    if (known) return { state: 'failed', error: known };
    this.opts.log.error('job failed', { id: live.info.id, kind: live.kind.name, err });
    const message = err instanceof Error ? err.message : String(err);
    return { state: 'failed', error: { code: 'internal', message: `Unexpected failure: ${message}` } };
  }

  private onProgress(live: Live, report: Parameters<ProgressTracker['update']>[0]): void {
    if (live.info.state !== 'running') return;
    const progress = live.tracker.update(report);
    const now = this.now();
    live.info = { ...live.info, progress, updatedAt: new Date(now).toISOString() };
    if (now - live.lastPersist >= this.persistEveryMs) {
      live.lastPersist = now;
      this.opts.repo.progress(live.info.id, JSON.stringify(progress), live.info.updatedAt);
    }
    const wait = live.lastEmit + this.emitEveryMs - now;
    if (wait <= 0) {
      this.emit(live);
    } else if (!live.trailing) {
      // The last report of a burst still goes out, once the window has passed.
      live.trailing = setTimeout(() => this.emit(live), wait);
      live.trailing.unref();
    }
  }

  private emit(live: Live): void {
    clearTimeout(live.trailing);
    live.trailing = undefined;
    live.lastEmit = this.now();
    this.opts.onUpdate(live.info);
  }

  private end(live: Live, end: End): JobInfo {
    clearTimeout(live.trailing);
    this.live.delete(live.info.id);
    const progress = live.tracker.value(true);
    if (end.state === 'suspended') {
      this.opts.repo.progress(live.info.id, JSON.stringify(progress), this.iso());
      this.opts.log.info('job suspended until the next start', { id: live.info.id, kind: live.kind.name });
      return { ...live.info, progress };
    }
    this.finishRow(live.info.id, progress, end);
    const info = this.get(live.info.id) ?? { ...live.info, state: end.state };
    this.opts.onUpdate(info);
    return info;
  }

  private finishRow(id: string, progress: JobInfo['progress'], end: Exclude<End, { state: 'suspended' }>) {
    const ok = end.state === 'succeeded';
    this.opts.repo.finish({
      id,
      state: end.state satisfies Exclude<JobState, 'running'>,
      progress: JSON.stringify(progress),
      summary: ok ? end.summary : null,
      result: ok ? JSON.stringify(end.result ?? null) : null,
      error_code: ok ? null : end.error.code,
      error_message: ok ? null : end.error.message,
      at: this.iso(),
    });
  }

  private fromRow(row: JobRow): JobInfo {
    const info = rowToInfo(row);
    const unit = this.kinds.get(row.kind)?.unit;
    return unit && !info.progress.unit ? { ...info, progress: { ...info.progress, unit } } : info;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
