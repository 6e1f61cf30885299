import type { Logger } from '../../logging';
import { ExotelStreamClient } from '../../stream';
import { silentSpeech, wavToPcm, type Speak } from './callee-audio';
import type { SandboxStreamSide, StreamContext, StreamOutcome } from './stream-side';

export interface ExotelStreamSideOptions {
  log: Logger;
  /** The offline TTS for the callee's text lines; silence of the same length without it. */
  speak?: Speak;
}

/** Exotel passes up to 3 custom query parameters of the stream URL as start.custom_parameters. */
function customParameters(url: URL): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of url.searchParams) {
    if (k !== 'sample-rate' && Object.keys(out).length < 3) out[k] = v;
  }
  return out;
}

/**
 * The sandbox's real stream side: core/stream's ExotelStreamClient plays Exotel (connected, start,
 * media every 100 ms, dtmf, marks, stop) while the callee says its script, paced at the sandbox's
 * time scale. Ends when the bot closes the socket or the callee hangs up.
 */
export function exotelStreamSide(options: ExotelStreamSideOptions): SandboxStreamSide {
  const speak = options.speak ?? silentSpeech;
  return {
    async onAnswered(ctx: StreamContext): Promise<StreamOutcome> {
      const url = new URL(ctx.streamUrl);
      const client = await ExotelStreamClient.connect({
        url: ctx.streamUrl,
        callSid: ctx.callSid,
        streamSid: ctx.streamSid,
        accountSid: ctx.accountSid,
        from: ctx.from,
        to: ctx.to,
        customParameters: customParameters(url),
        pacing: { speed: 1 / ctx.clock.timeScale },
      });
      client.on('transportError', (err) => options.log.warn('sandbox stream transport error', { err }));
      const onHangup = () => {
        client
          .hangup('callended')
          .catch((err: unknown) => options.log.warn('sandbox stream hangup failed', { err }));
      };
      if (ctx.hangup.aborted) onHangup();
      else ctx.hangup.addEventListener('abort', onHangup, { once: true });
      try {
        await speakScript(client, ctx, speak);
        const closed = await client.closed;
        return { disconnectedBy: closed.by === 'bot' ? 'bot' : 'user', status: 'completed' };
      } finally {
        ctx.hangup.removeEventListener('abort', onHangup);
      }
    },
  };
}

async function speakScript(client: ExotelStreamClient, ctx: StreamContext, speak: Speak): Promise<void> {
  for (const line of ctx.callee.says) {
    if (!client.isOpen) return;
    if ('say' in line) await client.say(await speak(line.say, client.sampleRate));
    else if ('wav' in line) await client.say(await wavToPcm(line.wav, client.sampleRate));
    else await client.silence(line.silenceSec * 1000);
  }
  for (const digit of ctx.callee.digits) {
    if (!client.isOpen) return;
    await client.dtmf(digit);
  }
}
