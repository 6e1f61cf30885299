import type { Asr } from './asr';
import { speechConfigSchema, type SpeechConfigInput } from './config';
import { FliteTts, FvadVadProvider, SoundswallowerAsr, type LocalSpeechOptions } from './local';
import type { Llm } from './llm';
import type { MetricsSink } from './metrics';
import { OpenAiAsr, OpenAiLlm, OpenAiTts } from './openai';
import type { Tts } from './tts';
import { TtsCache } from './tts-cache';
import type { VadProvider } from './vad';

export interface SpeechProviders {
  tts: Tts;
  asr: Asr;
  vad: VadProvider;
  /** Absent when no LLM is configured (scripted bots need none). */
  llm?: Llm;
  /** The TTS's line cache, if any (its counters show what was not synthesised again). */
  ttsCache?: TtsCache;
  /** VAD hangover from the config, for the session's endpointing. */
  vadHangoverMs: number;
  dispose(): void;
}

/** Builds every role's provider from (validated) config. Local models load from node_modules only. */
export async function createSpeechProviders(
  input: SpeechConfigInput,
  options: {
    openaiApiKey?: string;
    metrics?: MetricsSink;
    local?: LocalSpeechOptions;
    /** Whole lines kept for reuse (default: a new cache with the default budget; null: none). */
    ttsCache?: TtsCache | null;
  } = {},
): Promise<SpeechProviders> {
  const config = speechConfigSchema.parse(input);
  const connection = config.openai ? { ...config.openai, apiKey: options.openaiApiKey } : undefined;
  const need = () => {
    if (!connection) throw new Error('openai connection missing'); // unreachable: the schema refines it
    return connection;
  };
  const m = options.metrics;
  const disposers: (() => void)[] = [];

  let tts: Tts;
  if (config.tts.kind === 'local') {
    const flite = await FliteTts.load({ ...options.local, voice: config.tts.voice }, m);
    disposers.push(() => flite.dispose());
    tts = flite;
  } else {
    tts = new OpenAiTts({ ...need(), ...config.tts }, m);
  }

  const cache = options.ttsCache === undefined ? new TtsCache() : options.ttsCache;
  if (cache) tts.useCache(cache);

  let asr: Asr;
  if (config.asr.kind === 'local') {
    const ss = await SoundswallowerAsr.load(options.local, m);
    disposers.push(() => ss.dispose());
    asr = ss;
  } else {
    asr = new OpenAiAsr({ ...need(), ...config.asr }, m);
  }

  const vad = await FvadVadProvider.load({ ...options.local, vadMode: config.vad.mode }, m);
  const llm =
    config.llm.kind === 'openai-compatible' ? new OpenAiLlm({ ...need(), ...config.llm }, m) : undefined;

  return {
    tts,
    asr,
    vad,
    llm,
    ...(cache ? { ttsCache: cache } : {}),
    vadHangoverMs: config.vad.hangoverMs,
    dispose: () => {
      for (const d of disposers) d();
    },
  };
}
