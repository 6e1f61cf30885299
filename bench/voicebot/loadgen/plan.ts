// What a load run plays: how many callers, when each answers, what each says and when. Plain data, so
// it crosses to the generator's child process as JSON; the schedule is drawn from a seed so a run can
// be repeated exactly.

export type LoadMode =
  /** Answer times spread over the ramp, each caller pausing its own (seeded) time before each turn. */
  | 'staggered'
  /** Every caller ends each of its turns within the same 100 ms (after all heard the bot's last turn). */
  | 'worst_case';

export interface LoadPlan {
  /** The bot's stream URL; each call appends `call-<i>` so the bot sees distinct paths. */
  url: string;
  calls: number;
  mode: LoadMode;
  seed: number;
  /** Answer times are spread over this long (seeded, uniform). */
  rampMs: number;
  /** Pause between the bot's turn having played and the caller speaking (seeded per turn, uniform). */
  thinkMs: { min: number; max: number };
  /** Raw PCM16LE files at 8 kHz, one per turn, said in order by every caller (see callerAudio). */
  turns: string[];
  /** Each wait for the bot (its previous turn to play, all callers to be ready) is bounded by this. */
  maxWaitMs: number;
  /** callSid of call i is `${callSidPrefix}-${i}`, so the bot's own records can be matched. */
  callSidPrefix: string;
  /** Hang up once the last turn's reply has played (else wait for the bot to close). */
  hangupAfterLastReply: boolean;
}

/** One call's schedule, derived from the plan's seed. */
export interface CallSchedule {
  index: number;
  /** When the call is answered, from the run's start. */
  answerAtMs: number;
  /** Pause before each turn (staggered mode). */
  thinkMs: number[];
}

/** mulberry32: a small seedable PRNG, the same values on every machine (as qa's runner uses). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function schedule(plan: LoadPlan): CallSchedule[] {
  const random = prng(plan.seed);
  const answers = Array.from({ length: plan.calls }, () => Math.round(random() * plan.rampMs)).sort(
    (a, b) => a - b,
  );
  const { min, max } = plan.thinkMs;
  return answers.map((answerAtMs, index) => ({
    index,
    answerAtMs,
    thinkMs: plan.turns.map(() => Math.round(min + random() * (max - min))),
  }));
}
