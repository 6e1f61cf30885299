import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CampaignDetail } from '../../../src/shared/campaigns';
import { call, withCliCore } from '../../../src/main/server/cli-core';
import {
  parseWindow,
  runCampaignCommand,
  runCampaignListCommand,
  runCampaignMoveCommand,
  runCampaignShowCommand,
} from '../../../src/main/server/commands/campaigns';
import { runImportCommand } from '../../../src/main/server/commands/contacts';
import { makeTempDir } from '../../helpers/temp-dir';

/** `calldeck campaign …` in-process, on a real data folder, through the same core as the app. */

let dir: string;
let data: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = makeTempDir('calldeck-campaign-cli-'));
  data = path.join(dir, 'data');
});
afterEach(() => cleanup());

const run = async <T>(fn: (print: (l: string) => void) => Promise<T>) => {
  const lines: string[] = [];
  const result = await fn((l) => lines.push(l));
  return { result, lines };
};

async function importList(name: string, n: number): Promise<void> {
  const file = path.join(dir, `${name}.csv`);
  const rows = [
    'Name,Mobile',
    ...Array.from({ length: n }, (_, i) => `Customer ${i},98000001${String(i).padStart(2, '0')}`),
  ];
  fs.writeFileSync(file, rows.join('\n') + '\n');
  const out = await run((p) => runImportCommand(file, { list: name, data, json: true }, p));
  expect(out.result).toBe(0);
}

async function createDraft(): Promise<CampaignDetail> {
  return withCliCore(data, (core) =>
    call<CampaignDetail>(core, 'campaigns.create', { name: 'March calls', listId: 1, bot: 'demo' }),
  );
}

describe('calldeck campaign list | show | pause | cancel', () => {
  it('lists and shows a campaign, as JSON and as text', async () => {
    await importList('March', 4);
    const empty = await run((p) => runCampaignListCommand({ data }, p));
    expect(empty.lines).toEqual(['No campaigns yet. Start one with: calldeck campaign run --list NAME']);
    const c = await createDraft();
    const listed = await run((p) => runCampaignListCommand({ data, json: true }, p));
    expect((JSON.parse(listed.lines[0]!) as CampaignDetail[]).map((x) => [x.id, x.state])).toEqual([
      [c.id, 'draft'],
    ]);
    const text = await run((p) => runCampaignListCommand({ data }, p));
    expect(text.lines).toEqual([
      `${c.id}\tMarch calls [draft] 0/4 contacts done, 0 attempts (0 in progress)`,
    ]);
    const shown = await run((p) => runCampaignShowCommand(c.id, { data, json: true }, p));
    expect(shown.result).toBe(0);
    const body = JSON.parse(shown.lines[0]!) as Record<string, unknown>;
    expect(body).toMatchObject({
      campaign: { id: c.id, state: 'draft' },
      contacts: { total: 4, pending: 4 },
      attempts: 0,
      forecast: { contacts: 4, answerRate: 0.6 },
    });
    const missing = await run((p) => runCampaignShowCommand('nope', { data, json: true }, p));
    expect(missing.result).toBe(1);
    expect(JSON.parse(missing.lines[0]!)).toEqual({
      error: { code: 'not_found', message: 'No campaign nope' },
    });
  });

  it('cancels (audited) and refuses a move the state does not allow', async () => {
    await importList('March', 2);
    const c = await createDraft();
    const paused = await run((p) => runCampaignMoveCommand('pause', c.id, { data, json: true }, p));
    expect(paused.result).toBe(1);
    expect(JSON.parse(paused.lines[0]!)).toEqual({
      error: { code: 'conflict', message: 'A draft campaign cannot pause (only a running campaign pauses)' },
    });
    const canceled = await run((p) => runCampaignMoveCommand('cancel', c.id, { data, json: true }, p));
    expect(canceled.result).toBe(0);
    expect(JSON.parse(canceled.lines[0]!)).toMatchObject({ id: c.id, state: 'canceled' });
    const rows = await withCliCore(data, (core) =>
      call<{ entries: { action: string; subject: string; payload: string }[] }>(core, 'audit.list', {
        limit: 50,
      }),
    );
    expect(
      rows.entries
        .filter((r) => r.action.startsWith('campaigns.'))
        .map((r) => [r.action, r.subject, (JSON.parse(r.payload) as { outcome: string }).outcome]),
    ).toEqual([
      ['campaigns.cancel', `campaign:${c.id}`, 'ok'],
      ['campaigns.pause', `campaign:${c.id}`, 'failed'],
      ['campaigns.create', `campaign:${c.id}`, 'ok'],
    ]);
  });
});

describe('calldeck campaign run: refusals before anything is dialled', () => {
  it('parses the window, and a window past 21:00 needs --window-override', async () => {
    expect(parseWindow('08:30-21:30')).toEqual({ start: '08:30', end: '21:30' });
    expect(() => parseWindow('9-21')).toThrow('use HH:mm-HH:mm, e.g. 09:00-21:00');
    await importList('March', 2);
    const out = await run((p) =>
      runCampaignCommand(
        { list: 'March', data, sandbox: true, json: true, window: { start: '09:00', end: '22:00' } },
        p,
        { telephony: 'sandbox' },
      ),
    );
    expect(out.result).toBe(1);
    const err = JSON.parse(out.lines[0]!) as { error: { code: string; message: string } };
    expect(err.error.code).toBe('invalid_request');
    expect(err.error.message).toContain('need the window override (it is audited)');
    const unknown = await run((p) =>
      runCampaignCommand({ list: 'April', data, sandbox: true, json: true }, p),
    );
    expect(JSON.parse(unknown.lines[0]!)).toEqual({
      error: { code: 'not_found', message: 'No list with the id or name "April".' },
    });
  }, 60_000);
});
