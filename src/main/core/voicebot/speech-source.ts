import { insecureBaseUrl, type Settings } from '../../../shared/settings';
import type { Logger } from '../logging';
import {
  createSpeechProviders,
  type SpeechConfigInput,
  type SpeechProviders,
  type WorkerLauncher,
} from '../speech';
import type { SessionSpeech } from './session/observer';

/** The speech settings (Settings → Speech) as the speech domain's provider config. */
export function speechConfigFromSettings(s: Settings['speech']): SpeechConfigInput {
  if (s.provider === 'local') return {};
  return {
    openai: { baseURL: s.baseUrl },
    llm: s.llmModel ? { kind: 'openai-compatible', model: s.llmModel } : { kind: 'none' },
    asr: s.asrModel ? { kind: 'openai-compatible', model: s.asrModel } : { kind: 'local' },
    tts: s.ttsModel
      ? { kind: 'openai-compatible', model: s.ttsModel, voice: s.ttsVoice || 'alloy' }
      : { kind: 'local' },
  };
}

export interface SpeechSourceOptions {
  /** Current speech config and API key (read on every new call, so settings changes apply). */
  current(): { config: SpeechConfigInput; apiKey?: string };
  log: Logger;
  /** How the offline TTS starts its workers (the host's choice; default: Node child processes). */
  workerLauncher?: WorkerLauncher;
}

/**
 * Speech providers for new calls, built on first use (the offline models take a moment to load) and
 * rebuilt when the settings change. Calls in progress keep the providers they started with.
 */
export class SpeechSource {
  private key?: string;
  private loading?: Promise<SpeechProviders>;
  private readonly all: Promise<SpeechProviders>[] = [];

  constructor(private readonly o: SpeechSourceOptions) {}

  get(): Promise<SessionSpeech> {
    const { config, apiKey } = this.o.current();
    const key = JSON.stringify([config, apiKey ?? null]);
    if (!this.loading || key !== this.key) {
      this.key = key;
      const baseURL = config.openai?.baseURL;
      if (baseURL?.startsWith('http:') && insecureBaseUrl(baseURL) === undefined)
        this.o.log.warn('speech endpoint is plain http on this machine: fine for a local server only', {
          baseURL,
        });
      const loading = createSpeechProviders(config, {
        openaiApiKey: apiKey,
        // A flite worker crash is recovered by a retry; log it so it is not silent.
        local: {
          onTtsWorkerExit: (exit) => this.workerExited('flite', exit),
          // A crashed ASR worker fails its one decode (a no-match turn) and is replaced: logged here.
          onAsrWorkerExit: (exit) => this.workerExited('asr', exit),
          workerLauncher: this.o.workerLauncher,
        },
      });
      this.loading = loading;
      this.all.push(loading);
      loading.catch((err: unknown) => {
        this.o.log.error('speech providers failed to load', { err });
        if (this.loading === loading) this.loading = undefined; // the next call tries again
      });
    }
    return this.loading.then((p) => ({
      tts: p.tts,
      asr: p.asr,
      vad: p.vad,
      llm: p.llm,
    }));
  }

  /** A crash is recovered (retried or replaced) but never silent; a worker we stopped is not news. */
  private workerExited(kind: 'flite' | 'asr', exit: { reason?: string }): void {
    if (exit.reason === 'disposed') this.o.log.debug(`${kind} worker stopped`, { exit });
    else this.o.log.warn(`${kind} worker exited`, { exit });
  }

  /** Frees every provider built (call after the last session ended). */
  async dispose(): Promise<void> {
    const settled = await Promise.allSettled(this.all);
    for (const s of settled) if (s.status === 'fulfilled') s.value.dispose();
  }
}
