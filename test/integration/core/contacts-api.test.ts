import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../src/main/core';
import { makeTestCore } from '../../helpers/core';

/** The contacts and Do-Not-Call Api of a real core, as the pages call it. */

let core: Core;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ core, cleanup } = await makeTestCore());
});
afterEach(() => cleanup());

const ok = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(`expected success: ${JSON.stringify(r.error)}`);
  return r.value;
};

async function upload(name: string, content: string): Promise<string> {
  const staged = ok(await core.stageUpload(Readable.from([Buffer.from(content)]), name, 1_000_000));
  return staged.id;
}

describe('Do-Not-Call file import through the Api', () => {
  it('records the file name and its SHA-256 as the source, never the upload id', async () => {
    const content = 'Mobile\n9876543210\n9123456780\n';
    const fileId = await upload('blocked numbers.csv', content);
    ok(await core.invoke('dnc.importFile', { fileId }));
    const { entries } = ok(await core.invoke('dnc.list', {})) as { entries: { source: string }[] };
    const sha = createHash('sha256').update(content).digest('hex');
    expect(entries.map((e) => e.source)).toEqual([
      `file:blocked numbers.csv sha256:${sha}`,
      `file:blocked numbers.csv sha256:${sha}`,
    ]);
  });
});
