import type { TranscriptLine, TurnMetrics } from '../../../../shared/voicebot';
import type { Logger } from '../../logging';
import type { Asr } from '../../speech';
import type { DialogInput, ListenSpec } from '../dialog';
import type { CallerTrack } from './caller-track';
import { recognise, type EarlyRecognition, type Recognised } from './recognise';
import type { SpokenTurn } from './speaker';

/** A caller input waiting for the dialog; `wall` is when the pipeline detected it (for latencies). */
export type Pending =
  | { kind: 'start'; wall: number }
  | {
      kind: 'speech';
      startMs: number;
      endMs: number;
      detectedAtMs: number;
      wall: number;
      /** Recognition of this very speech started at its pause (see EarlyRecognition). */
      early?: EarlyRecognition;
    }
  | { kind: 'dtmf'; digit: string; atMs: number; wall: number }
  | { kind: 'no_input'; sinceMs: number; atMs: number; wall: number };

export interface Heard {
  /** Null for the start of the call (the dialog's greeting). */
  input: DialogInput | null;
  /** The caller's transcript line (turn and seq are added by the session). */
  line: Omit<TranscriptLine, 'seq' | 'turn'> | null;
  kind: TurnMetrics['input'];
  asrMs: number | null;
  /** Speech whose recognition missed its deadline. */
  asrLate: boolean;
  endpointingMs: number | null;
}

export interface HearContext {
  caller: CallerTrack;
  asr: Asr;
  listen: ListenSpec | null;
  prerollMs: number;
  log: Logger;
}

const callerLine = (kind: TranscriptLine['kind'], text: string, startMs: number, endMs: number) => ({
  speaker: 'caller' as const,
  kind,
  text,
  startMs,
  endMs,
  interrupted: false,
  confidence: null,
  state: null,
});

/** Turns a pending input into what the dialog gets: speech is recognised with the current grammar. */
export async function hear(p: Pending, ctx: HearContext): Promise<Heard> {
  switch (p.kind) {
    case 'start':
      return { input: null, line: null, kind: 'start', asrMs: null, asrLate: false, endpointingMs: null };
    case 'speech': {
      // An early recognition heard the speech and the silence up to its pause; asrMs is then what
      // was left of it once the turn was over. Otherwise the whole endpointing silence goes to the
      // recogniser too: it expects trailing silence.
      let r: Recognised;
      if (p.early && p.early.listen === ctx.listen) {
        const t0 = performance.now();
        r = { ...(await p.early.result), asrMs: performance.now() - t0 };
      } else {
        p.early?.abort.abort();
        const pcm = ctx.caller.slice(p.startMs - ctx.prerollMs, p.detectedAtMs);
        r = await recognise(ctx.asr, pcm, ctx.caller.sampleRate, ctx.listen, ctx.log);
      }
      const kind = r.input.kind === 'speech' ? 'speech' : 'no_match';
      return {
        input: r.input,
        line: { ...callerLine(kind, r.text, p.startMs, p.endMs), confidence: r.confidence },
        kind,
        asrMs: r.asrMs,
        asrLate: r.late,
        endpointingMs: p.detectedAtMs - p.endMs,
      };
    }
    case 'dtmf':
      return {
        input: { kind: 'dtmf', digit: p.digit },
        line: callerLine('dtmf', p.digit, p.atMs, p.atMs),
        kind: 'dtmf',
        asrMs: null,
        asrLate: false,
        endpointingMs: null,
      };
    case 'no_input':
      return {
        input: { kind: 'no_input' },
        line: callerLine('no_input', '', p.sinceMs, p.atMs),
        kind: 'no_input',
        asrMs: null,
        asrLate: false,
        endpointingMs: null,
      };
  }
}

/** One bot turn's latencies: wall-clock compute, plus endpointing in media time. */
export function turnMetrics(
  heard: Heard,
  spoken: SpokenTurn,
  dialogMs: number,
  llm: { firstTokenMs: number | null; totalMs: number | null } | undefined,
  detectedWall: number,
  sampleRate: number,
): TurnMetrics {
  const responseMs = spoken.firstAudioWall !== null ? spoken.firstAudioWall - detectedWall : null;
  const { endpointingMs } = heard;
  return {
    turn: spoken.no,
    input: heard.kind,
    endpointingMs,
    asrMs: heard.asrMs,
    ...(heard.asrLate ? { asrLate: true } : {}),
    dialogMs,
    llmFirstTokenMs: llm?.firstTokenMs ?? null,
    llmTotalMs: llm?.totalMs ?? null,
    ttsFirstAudioMs: spoken.ttsFirstMs,
    responseMs,
    voiceToVoiceMs: endpointingMs !== null && responseMs !== null ? endpointingMs + responseMs : null,
    botAudioMs: (spoken.sentBytes * 1000) / (2 * sampleRate),
  };
}
