import path from 'node:path';
import { stepAction, type QaCallerKind, type Scenario, type ScenarioStep } from '../../../../shared/qa';
import { CallerAudioError, loadClip, type SpeechCache } from './caller-audio';
import type { CallerAction, CallerScript } from './conversation';
import { callerEffects } from './effects';

/** Where a scenario's human recordings are: `human.dir`, else `human/<file name without .yaml>`. */
export function humanDir(suiteDir: string, file: string, scenario: Scenario): string {
  const rel = scenario.human?.dir ?? path.join('human', file.replace(/\.ya?ml$/i, ''));
  return resolveInside(suiteDir, rel);
}

/** The recording of step i (0-based): step-01.wav for the first step. */
export function humanStepFile(dir: string, step: number): string {
  return path.join(dir, `step-${String(step + 1).padStart(2, '0')}.wav`);
}

/** A path from a scenario file, kept inside the suite folder. */
export function resolveInside(suiteDir: string, rel: string): string {
  const root = path.resolve(suiteDir);
  const full = path.resolve(root, rel);
  if (full !== root && !full.startsWith(root + path.sep)) {
    throw new CallerAudioError(`${rel}: outside the suite folder`);
  }
  return full;
}

export interface ScriptedCallerOptions {
  kind: Extract<QaCallerKind, 'synthetic' | 'human'>;
  suiteDir: string;
  file: string;
  scenario: Scenario;
  speech: SpeechCache;
  /** The run's seed: with it the scenario's `effects` are applied to every clip the caller plays. */
  seed?: number;
  /** A human caller from a recorded call (`human.session`): that call's caller turns, in order. */
  recordedTurns?: (sessionId: string) => Promise<Buffer[]>;
}

async function actionFor(o: ScriptedCallerOptions, step: ScenarioStep, i: number): Promise<CallerAction> {
  const base = { step: i, ...(step.barge_in_ms !== undefined ? { bargeInMs: step.barge_in_ms } : {}) };
  const kind = stepAction(step);
  switch (kind) {
    case 'say': {
      const text = 'say' in step ? step.say : '';
      if (o.kind === 'synthetic') return { ...base, action: 'say', text, pcm: await o.speech.speak(text) };
      const session = o.scenario.human?.session;
      if (session) {
        if (!o.recordedTurns) throw new CallerAudioError('recorded calls are not available to this runner');
        // The n-th spoken step plays the recorded caller's n-th turn.
        const nth = (o.scenario.steps ?? []).slice(0, i).filter((st) => 'say' in st).length;
        const turns = await o.recordedTurns(session);
        const pcm = turns[nth];
        if (!pcm) {
          throw new CallerAudioError(
            `the recorded call ${session} has ${turns.length} caller turn(s); step ${i + 1} needs turn ${nth + 1}`,
          );
        }
        return { ...base, action: 'clip', text: `session ${session} turn ${nth + 1}`, pcm };
      }
      const file = humanStepFile(humanDir(o.suiteDir, o.file, o.scenario), i);
      return { ...base, action: 'clip', text: path.relative(o.suiteDir, file), pcm: await loadClip(file) };
    }
    case 'clip': {
      const rel = 'clip' in step ? step.clip : '';
      return { ...base, action: 'clip', text: rel, pcm: await loadClip(resolveInside(o.suiteDir, rel)) };
    }
    case 'dtmf': {
      const keys = 'dtmf' in step ? step.dtmf : '';
      return { ...base, action: 'dtmf', text: keys, dtmf: keys };
    }
    case 'silence': {
      const ms = 'silence_ms' in step ? step.silence_ms : 0;
      return { ...base, action: 'silence', text: null, silenceMs: ms };
    }
  }
}

/**
 * A caller that follows the scenario's steps: synthetic speaks each line by TTS (cached), human plays
 * the recording of each spoken step. Every step's audio is ready before the call starts, so a missing
 * recording is a caller error before anything is dialled, not in the middle of a conversation.
 */
export async function scriptedCaller(o: ScriptedCallerOptions): Promise<CallerScript> {
  const steps = o.scenario.steps ?? [];
  const actions: CallerAction[] = [];
  const effect = o.seed === undefined ? undefined : callerEffects(o.scenario.effects, o.seed);
  for (const [i, step] of steps.entries()) {
    const a = await actionFor(o, step, i);
    actions.push(effect && a.pcm ? { ...a, pcm: effect(a.pcm) } : a);
  }
  return {
    bargeInMs: (turn) => actions[turn - 1]?.bargeInMs,
    next: ({ turn }) => Promise.resolve(actions[turn - 1] ?? null),
  };
}
