import YAML from 'yaml';
import type { TranscriptLine } from '../../../../shared/voicebot';

// A recorded call drafted as a regression scenario: its caller channel is the human caller
// (`human: { session }`), one step per caller turn, and each step expects what the bot said then.
// The operator edits the draft (the expectations are the bot's words as recognised on the call).

export interface RecordedCall {
  sessionId: string;
  botId: string;
  startedAt: string;
  endReason: string | null;
  disposition: string | null;
  transfer: 'agent' | 'none' | null;
  lines: readonly TranscriptLine[];
  /** The contact row the bot was given, when known (a test call's is not kept). */
  variables: Record<string, string> | null;
}

/** Longest silence step drafted for a turn where the caller said nothing. */
const MAX_SILENCE_MS = 20_000;

type Step = Record<string, unknown>;

/** What the bot said in each turn, its lines joined. */
function botTurns(lines: readonly TranscriptLine[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lines) {
    if (l.speaker !== 'bot' || !l.text.trim()) continue;
    out.set(l.turn, [out.get(l.turn), l.text.trim()].filter(Boolean).join(' '));
  }
  return out;
}

/** A scenario file name for the call: `call-<date>-<session id start>.yaml`. */
export function scenarioFileForCall(call: Pick<RecordedCall, 'sessionId' | 'startedAt'>): string {
  const day = call.startedAt.slice(0, 10).replace(/[^0-9-]/g, '') || 'call';
  const id = call.sessionId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8) || 'session';
  return `call-${day}-${id}.yaml`;
}

/** The draft scenario's YAML text. */
export function scenarioFromCall(call: RecordedCall): string {
  const said = botTurns(call.lines);
  const steps: Step[] = [];
  // A caller line carries the turn of the bot prompt it answers: the bot's reply is the next turn,
  // and the first turn's prompt is the greeting.
  const first = Math.min(...said.keys());
  const greeting = said.get(first);
  for (const l of call.lines) {
    if (l.speaker !== 'caller') continue;
    const reply = said.get(l.turn + 1);
    const expect = reply ? { expect: { says: reply } } : {};
    switch (l.kind) {
      case 'speech':
      case 'no_match':
        // The recognised words: what the synthetic caller would say, and the grammar that hears the
        // recording. Unrecognised speech keeps a placeholder to fill in.
        steps.push({ say: l.text.trim() || '(what the caller said)', ...expect });
        break;
      case 'dtmf':
        steps.push({ dtmf: l.text.replace(/[^0-9*#]/g, '') || '1', ...expect });
        break;
      case 'no_input':
        steps.push({
          silence_ms: Math.min(MAX_SILENCE_MS, Math.max(1000, Math.round(l.endMs - l.startMs) || 5000)),
          ...expect,
        });
        break;
      case 'prompt':
        break;
    }
  }
  const hangupBy =
    call.endReason === 'bot_hangup' || call.endReason === 'transfer'
      ? 'bot'
      : call.endReason === 'caller_hangup'
        ? 'caller'
        : undefined;
  const doc = {
    name: `Recorded call ${call.startedAt.slice(0, 16).replace('T', ' ')}`,
    description:
      `Made from the recorded call ${call.sessionId}: the caller's recording is the human caller, ` +
      'one step per caller turn. The expectations are what the bot said on the call: edit them to what it must say.',
    tags: ['recorded-call'],
    bot: call.botId,
    callers: ['human'],
    human: { session: call.sessionId },
    ...(call.variables && Object.keys(call.variables).length ? { variables: call.variables } : {}),
    ...(greeting ? { greeting: { says: greeting } } : {}),
    steps: steps.length ? steps : [{ silence_ms: 5000 }],
    expect: {
      ...(call.disposition ? { disposition: call.disposition } : {}),
      ...(call.transfer ? { transfer: call.transfer === 'agent' } : {}),
      ...(hangupBy ? { hangup_by: hangupBy } : {}),
    },
  };
  return YAML.stringify(doc, { lineWidth: 100 });
}
