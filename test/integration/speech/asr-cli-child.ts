// Run by asr-pool.test.ts as its own process (with jiti): a CLI-like script that loads the offline
// recogniser and decodes one line, with nothing else keeping the event loop alive. It prints the
// text heard; exiting without printing means the process ended under a loading or busy worker.
import { FliteTts, SoundswallowerAsr } from '../../../src/main/core/speech';

const tts = await FliteTts.load();
const audio = await tts.synthesizeAll('cancel it', { sampleRate: 8000 });
await tts.close();
const asr = await SoundswallowerAsr.load({ asrWorkers: 1 });
const r = await asr.recognize(
  { ...audio, pcm: Buffer.concat([audio.pcm, Buffer.alloc(4800)]) },
  { grammar: { phrases: ['yes', 'cancel it'] } },
);
process.stdout.write(`heard: ${r.text}\n`);
asr.dispose();
