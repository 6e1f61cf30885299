import type { z } from 'zod';
import type { JobErrorInfo } from '../../../shared/jobs';

/** A failure a job kind knows how to name: it ends the job `failed` with this code and message. */
export class JobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'JobError';
  }

  toInfo(): JobErrorInfo {
    return { code: this.code, message: this.message };
  }
}

export interface ProgressReport {
  done: number;
  /** Omitted: keep the total reported last. */
  total?: number | null;
  note?: string | null;
}

/** What a running job sees of the engine. */
export interface JobContext {
  readonly id: string;
  /** Aborted when the job is cancelled or CallDeck stops; the work must end soon after. */
  readonly signal: AbortSignal;
  /** True when this run takes up a job that a restart found running. */
  readonly resumed: boolean;
  /** Cheap to call as often as convenient: the engine throttles what it emits and stores. */
  progress(report: ProgressReport): void;
}

/** What a restart does with a job of this kind that was left running. */
export type RestartRule =
  | { action: 'resume' }
  /** The work cannot be taken up again (e.g. an import rolls back): the job ends `interrupted`. */
  | { action: 'interrupt'; reason: string };

/**
 * A kind of long work. Kinds live in the domains that own the work; the engine knows none of them.
 * `A` is what a run needs that cannot be stored (e.g. the audit scope of the request that started
 * it): given to start(), never saved, so a resumed job runs without it.
 */
export interface JobKind<I, R, A = undefined> {
  readonly name: string;
  readonly restart: RestartRule;
  /** What `done` and `total` count. */
  readonly unit: string;
  /** The stored input is parsed with this when a job is resumed (it comes back from the database). */
  readonly input: z.ZodType<I>;
  run(input: I, ctx: JobContext, attached: A | undefined): Promise<R>;
  /** A one-line outcome for people, from the result. */
  summarize?(result: R): string;
  /** Names a failure the kind knows; anything else ends the job `failed` with code `internal`. */
  failure?(err: unknown): JobErrorInfo | undefined;
  /**
   * A restart marked a job of this kind interrupted (its process died): close what the run would
   * have closed, e.g. the end row of its audited action. Given the stored input, when it still reads.
   */
  interrupted?(input: I, reason: string): void;
}

/** A kind with its types erased, as the engine stores it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyJobKind = JobKind<any, any, any>;

export interface JobMeta {
  /** Chosen by the caller when something must name the job before it starts (e.g. an audit row). */
  id?: string;
  title: string;
  subject?: string | null;
  actor: string;
}
