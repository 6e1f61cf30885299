// Child process of the concurrency benchmark: plays Exotel for N simultaneous calls (core/stream's
// ExotelStreamClient at real-time pace, 100 ms media frames), each caller saying a line periodically,
// so the voicebot's process has the machine's other core to itself as it would with a remote Exotel.
// Reports each stream's media-time origin (absolute wall time) to the parent, then its own lateness.
import { tone } from '../../src/main/core/speech/audio';
import { ExotelStreamClient } from '../../src/main/core/stream';
import { absNow, KnownOriginClock, percentile, RATE } from './timing';

export interface CallersArgs {
  url: string;
  calls: number;
  /** Media time each call lasts. */
  callMs: number;
  /** Connections are spread over this long, like calls being answered one after another. */
  rampMs: number;
  /** The caller speaks for speakMs every periodMs (at a random phase per call). */
  periodMs: number;
  speakMs: number;
}

export type CallersMessage =
  | { kind: 'origin'; path: string; t0Abs: number }
  | {
      kind: 'done';
      connected: number;
      failed: string[];
      framesSent: number;
      botFrames: number;
      clears: number;
      closedByBot: number;
      /** How late the client itself sent its frames (its own timers), P99 and max in ms. */
      sendLateP99: number;
      sendLateMax: number;
    };

const send = (m: CallersMessage) => process.send?.(m);

async function oneCall(a: CallersArgs, i: number, sendLate: number[], totals: Record<string, number>) {
  const clock = new KnownOriginClock();
  const path = `call-${i}`;
  const client = await ExotelStreamClient.connect({ url: a.url + path, pacing: clock });
  send({ kind: 'origin', path, t0Abs: clock.t0Abs });
  client.on('tick', (endMs) => {
    sendLate.push(absNow() - (clock.t0Abs + endMs));
    totals.framesSent = (totals.framesSent ?? 0) + 1;
  });
  client.on('botMedia', () => (totals.botFrames = (totals.botFrames ?? 0) + 1));
  client.on('clear', () => (totals.clears = (totals.clears ?? 0) + 1));
  const line = tone(440, a.speakMs, RATE);
  let next = Math.floor(Math.random() * a.periodMs);
  while (client.isOpen && client.mediaMs < a.callMs) {
    await client.runUntil(() => client.mediaMs >= Math.min(next, a.callMs), a.callMs);
    if (client.mediaMs >= a.callMs || !client.isOpen) break;
    await client.say(line);
    next += a.periodMs;
  }
  if (client.isOpen) await client.hangup();
  else totals.closedByBot = (totals.closedByBot ?? 0) + 1;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '') as CallersArgs;
  const sendLate: number[] = [];
  const totals: Record<string, number> = {};
  const failed: string[] = [];
  const calls: Promise<void>[] = [];
  for (let i = 0; i < a.calls; i++) {
    calls.push(oneCall(a, i, sendLate, totals).catch((err: unknown) => void failed.push(String(err))));
    await new Promise((resolve) => setTimeout(resolve, a.rampMs / a.calls));
  }
  await Promise.all(calls);
  send({
    kind: 'done',
    connected: a.calls - failed.length,
    failed: failed.slice(0, 3),
    framesSent: totals.framesSent ?? 0,
    botFrames: totals.botFrames ?? 0,
    clears: totals.clears ?? 0,
    closedByBot: totals.closedByBot ?? 0,
    sendLateP99: percentile(sendLate, 99),
    sendLateMax: sendLate.length ? sendLate.reduce((x, y) => Math.max(x, y)) : NaN,
  });
  process.disconnect?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
