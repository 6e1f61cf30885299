import path from 'node:path';
import type { Scenario } from '../../../../shared/qa';
import type { Transcriber } from '../evaluator';
import { loadClip, type SpeechCache } from './caller-audio';
import type { CallerAction, CallerScript } from './conversation';
import type { ClipChoice, LlmCaller } from './llm-caller';
import { humanDir, humanStepFile } from './scripted-caller';

/**
 * The LLM caller on the line: hears each bot turn (its audio, transcribed), asks the LLM for the next
 * move, and speaks it by TTS (cached) or plays the chosen human recording. It never barges in.
 */
export function llmCallerScript(o: {
  mind: LlmCaller;
  hear: Transcriber;
  speech: SpeechCache;
}): CallerScript {
  let done = false;
  return {
    bargeInMs: () => undefined,
    next: async ({ botPcm }) => {
      if (done) return null;
      const heard = botPcm.length > 0 ? await o.hear.transcribe({ pcm: botPcm, sampleRate: 8000 }) : '';
      const move = await o.mind.next(heard);
      switch (move.kind) {
        case 'hangup':
          return null;
        case 'say':
          done = move.hangup;
          return {
            action: 'llm',
            step: null,
            text: move.text,
            pcm: await o.speech.speak(move.text),
          } satisfies CallerAction;
        case 'clip':
          done = move.hangup;
          return {
            action: 'llm',
            step: null,
            text: move.clip.text,
            pcm: await loadClip(move.clip.file),
          } satisfies CallerAction;
      }
    },
  };
}

/** The clip variant's choices: each spoken step's recording (human/<scenario>/step-NN.wav) with its line. */
export function humanClipChoices(suiteDir: string, file: string, scenario: Scenario): ClipChoice[] {
  const dir = humanDir(suiteDir, file, scenario);
  const out: ClipChoice[] = [];
  (scenario.steps ?? []).forEach((step, i) => {
    if ('say' in step) out.push({ file: humanStepFile(dir, i), text: step.say });
  });
  // The same line recorded twice is one choice.
  return out
    .filter((c, i) => out.findIndex((d) => d.text === c.text) === i)
    .map((c) => ({ ...c, file: path.resolve(c.file) }));
}
