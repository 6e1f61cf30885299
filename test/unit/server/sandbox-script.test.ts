import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CalleeScriptSchema } from '../../../src/main/core/telephony';
import { bundledCalleeScriptFile, serveSandboxScript } from '../../../src/main/server/sandbox-script';
import { makeTempDir } from '../../helpers/temp-dir';

// Issue 9: `calldeck serve --sandbox` without --sandbox-script ran the sandbox with an empty script;
// the README promises the bundled resources/sandbox/callees.yaml.

describe("calldeck serve's sandbox script", () => {
  it('is the bundled callee script when none is given', () => {
    const script = CalleeScriptSchema.parse(serveSandboxScript(undefined));
    expect(bundledCalleeScriptFile()).toBe(path.resolve('resources/sandbox/callees.yaml'));
    // The bundled rules: +919800000001 is busy, +919800000004 a voicemail.
    expect(script.callees.find((c) => c.number === '+919800000001')?.outcome).toBe('busy');
    expect(script.callees.find((c) => c.number === '+919800000004')?.outcome).toBe('voicemail');
  });

  it('is the given file when there is one', () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const file = path.join(dir, 'mine.yaml');
      fs.writeFileSync(file, "callees:\n  - { number: '+919811111111', outcome: failed }\n");
      const script = CalleeScriptSchema.parse(serveSandboxScript(file));
      expect(script.callees).toEqual([
        expect.objectContaining({ number: '+919811111111', outcome: 'failed' }),
      ]);
    } finally {
      cleanup();
    }
  });

  it('says which file is missing when the bundled script is not found', () => {
    expect(() => bundledCalleeScriptFile(['/nonexistent-calldeck'])).toThrow(
      /resources\/sandbox\/callees\.yaml/,
    );
  });
});
