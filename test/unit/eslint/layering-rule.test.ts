import path from 'node:path';
import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
// @ts-expect-error: a plain ESM module of the lint setup, without type declarations
import { layering } from '../../../eslint/layering-rule.mjs';

// The rule checks real repository paths: each case is a file name under the repository root.
RuleTester.describe = describe;
RuleTester.it = it;

const root = path.resolve(__dirname, '../../..');
const at = (file: string) => path.join(root, file);
const tester = new RuleTester({ languageOptions: { ecmaVersion: 2022, sourceType: 'module' } });

tester.run('calldeck/layering', layering as never, {
  valid: [
    // Along the table: calls → telephony, store; voicebot → speech, stream; anyone → logging.
    { filename: at('src/main/core/calls/test-call.ts'), code: "import { flowUrl } from '../telephony';" },
    { filename: at('src/main/core/calls/x.ts'), code: "import { CallsRepository } from '../store/index';" },
    { filename: at('src/main/core/voicebot/x.ts'), code: "import { Tts } from '../speech';" },
    { filename: at('src/main/core/stream/x.ts'), code: "import { createLogger } from '../logging';" },
    // The composition root builds everything; the core's face re-exports from any domain.
    { filename: at('src/main/core/app/create-core.ts'), code: "import { Voicebot } from '../voicebot';" },
    { filename: at('src/main/core/index.ts'), code: "export { createCore } from './app';" },
    // Inside a domain anything goes; hosts import the core's face.
    { filename: at('src/main/core/calls/x.ts'), code: "import { viewOf } from './call-state-service';" },
    { filename: at('src/main/server/program.ts'), code: "import { createCore } from '../core';" },
    // Tests and benchmarks may use a domain's testing entry point (its fakes).
    {
      filename: at('test/unit/x.test.ts'),
      code: "import { FakeAsr } from '../../src/main/core/speech/testing';",
    },
    {
      filename: at('bench/voicebot/x.ts'),
      code: "import { FakeTts } from '../../src/main/core/speech/testing';",
    },
  ],
  invalid: [
    // A forbidden edge: telephony is below calls, and stream below the voicebot.
    {
      filename: at('src/main/core/telephony/x.ts'),
      code: "import { dialOnce } from '../calls';",
      errors: [{ message: /the telephony domain must not depend on calls/ }],
    },
    {
      filename: at('src/main/core/stream/x.ts'),
      code: "import { Voicebot } from '../voicebot';",
      errors: [{ message: /the stream domain must not depend on voicebot/ }],
    },
    // jobs is used by all and uses none of the product domains.
    {
      filename: at('src/main/core/jobs/x.ts'),
      code: "import { ContactsService } from '../contacts';",
      errors: [{ message: /the jobs domain must not depend on contacts/ }],
    },
    // Only through a domain's face.
    {
      filename: at('src/main/core/calls/x.ts'),
      code: "import { ExotelClient } from '../telephony/exotel/client';",
      errors: [{ message: /through its index/ }],
    },
    // The root-file loophole is closed: no product file at the root, and no domain imports the face.
    {
      filename: at('src/main/core/phone-system.ts'),
      code: "import { dialOnce } from './calls';",
      errors: [{ message: /no product file at the root of src\/main\/core \(phone-system.ts\)/ }],
    },
    {
      filename: at('src/main/core/contacts/x.ts'),
      code: "import { createCore } from '..';",
      errors: [{ message: /must not import the core face/ }],
    },
    // Fakes never reach product code.
    {
      filename: at('src/main/core/voicebot/x.ts'),
      code: "import { FakeLlm } from '../speech/testing';",
      errors: [{ message: /product code must not import speech\/testing/ }],
    },
    // Core never imports hosts or UI.
    {
      filename: at('src/main/core/app/x.ts'),
      code: "import { startServer } from '../../server/host-server';",
      errors: [{ message: /core must not import hosts or UI/ }],
    },
  ],
});
