import { z } from 'zod';

/** Timing of one voicebot session. Every duration is media time (counted in samples), never wall time. */
export const SessionOptionsSchema = z
  .object({
    /** Silence after the caller's speech that ends their turn (the VAD hangover). */
    endpointingMs: z.number().int().min(100).max(5000).default(300),
    /**
     * Once the caller speaks, audio this many dB under their loudest frame is silence, whatever the
     * VAD says (fvad's own ~100 ms hangover would otherwise add to the endpointing silence); null:
     * the VAD alone decides.
     */
    endpointQuietDb: z.number().min(10).max(90).nullable().default(40),
    /**
     * After this much silence inside the caller's turn, recognition starts with the audio so far; if
     * the turn then ends there (the endpointing silence passes), its result is the turn's and little
     * is left to wait for. Speech that goes on gives it up. Null: recognise only once the turn ended.
     */
    recogniseAtPauseMs: z.number().int().min(20).max(5000).nullable().default(100),
    /** Speech needed before it counts (clicks and pops shorter than this are ignored). */
    minSpeechMs: z.number().int().min(20).max(1000).default(60),
    /** After the bot finishes speaking, this much silence is a no-input turn. */
    noInputMs: z.number().int().min(500).max(120_000).default(7000),
    /** A caller turn longer than this is cut and recognised as is. */
    maxUtteranceMs: z.number().int().min(1000).max(120_000).default(15_000),
    /** Audio kept before the detected start of speech (the VAD needs a few frames to decide). */
    prerollMs: z.number().int().min(0).max(1000).default(200),
    /** If a mark is not echoed this long after its audio should have played, the turn counts as played. */
    markGraceMs: z.number().int().min(0).max(60_000).default(2000),
    /**
     * Caller audio one session takes (Exotel ends a stream at 60 minutes). At the cap the bot hangs
     * up (`time_limit`) and nothing more is kept: it bounds the audio held in memory per call.
     */
    maxCallMs: z
      .number()
      .int()
      .min(1000)
      .max(4 * 3_600_000)
      .default(3_600_000),
    /** Size of outgoing media chunks (rounded to 20 ms, at least 200 ms: see core/stream). */
    chunkMs: z.number().int().min(20).max(5000).default(200),
    /**
     * LLM bots: speak the model's reply sentence by sentence while it is still generating (false: wait
     * for the whole reply, as script bots always do). Not a duration; kept here with the session's tuning.
     */
    streamLlmText: z.boolean().default(true),
  })
  .strict();

export type SessionOptions = z.output<typeof SessionOptionsSchema>;
export type SessionOptionsInput = z.input<typeof SessionOptionsSchema>;
