import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import yazl from 'yazl';
import type { JobInfo } from '../../../src/shared/jobs';
import type { ExportFormat, ExportResult } from '../../../src/shared/reports';
import type { Core } from '../../../src/main/core';
import { ok, until, untilAsync } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';
import { startCoreCampaign } from '../campaigns/core-campaign';

/**
 * A real sandbox campaign for audit bundles: the demo bot talks with two callees who confirm (so
 * there are transcripts and recordings), one callee is busy, and one number is put on the
 * Do-Not-Call register before the campaign starts (so it is never dialled).
 */

const PAUSE = 20;
const talker = (number: string) => ({
  number,
  ringSec: 1,
  says: [{ silenceSec: 8 }, ...['yes', 'confirm'].flatMap((say) => [{ say }, { silenceSec: PAUSE }])],
});

export const NUMBERS = {
  talk1: '+919800000010',
  talk2: '+919800000011',
  busy: '+919800000012',
  dnc: '+919800000013',
};

export interface SandboxCampaign {
  core: Core;
  dir: string;
  campaignId: string;
  cleanup: () => Promise<void>;
}

/** Runs the campaign to completion in a full core (left running: export through its Api). */
export async function runSandboxCampaign(): Promise<SandboxCampaign> {
  const { core, dir, cleanup } = await makeTestCore({
    telephony: 'sandbox',
    sandboxTimeScale: 0.05,
    sandboxScript: {
      callees: [
        talker(NUMBERS.talk1),
        talker(NUMBERS.talk2),
        { number: NUMBERS.busy, outcome: 'busy', ringSec: 1 },
      ],
    },
    voicebot: { session: { noInputMs: 30_000 } },
  });
  let stopped = false;
  const stop = async () => {
    if (!stopped) await cleanup();
    stopped = true;
  };
  try {
    ok(await core.invoke('dnc.add', { phones: [NUMBERS.dnc], note: 'asked not to be called' }));
    const campaign = await startCoreCampaign(core, {
      rows: [
        'Name,Mobile,appointment_day,appointment_time,clinic',
        ...Object.values(NUMBERS).map(
          (n, i) => `Customer ${i},${n.slice(3)},Monday,ten am,Green Park Clinic`,
        ),
      ],
      fileName: 'march.csv',
      listName: 'March',
      name: 'March reminders',
      maxConcurrent: 3,
      retry: { maxAttempts: 1, on: ['busy'], intervalMinutes: 0, backoff: 'linear' },
    });
    await until(() => (campaign.latest()?.state === 'completed' ? true : undefined), 60_000);
    // The calls' voicebot sessions end (recordings closed) a moment after the carrier's end.
    await new Promise((r) => setTimeout(r, 1500));
    return { core, dir, campaignId: campaign.id, cleanup: stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Exports the campaign's audit bundle as the app does (reports.export, a job) and copies it to `out`. */
export function exportCampaignBundle(c: SandboxCampaign, out: string): Promise<ExportResult> {
  return exportCampaign(c, 'bundle', out);
}

/** Exports the campaign in a format as the app does (reports.export, a job) and copies it to `out`. */
export async function exportCampaign(
  c: SandboxCampaign,
  format: ExportFormat,
  out: string,
): Promise<ExportResult> {
  const { jobId } = ok<{ jobId: string }>(
    await c.core.invoke('reports.export', {
      scope: { kind: 'campaign', campaignId: c.campaignId },
      format,
    }),
  );
  const job = await untilAsync(async () => {
    const j = ok<JobInfo>(await c.core.invoke('jobs.get', { jobId }));
    return j.state === 'running' ? undefined : j;
  }, 60_000);
  if (job.state !== 'succeeded') throw new Error(`the ${format} export ${job.state}: ${JSON.stringify(job)}`);
  const result = job.result as ExportResult;
  fs.copyFileSync(path.join(c.dir, 'exports', `${jobId}-${result.name}`), out);
  return result;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** Every entry of a zip, in order (yauzl: an independent reader from the verifier under test). */
export function readZip(file: string): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const entries: ZipEntry[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            entries.push({ name: entry.fileName, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Writes entries back as a zip (a tampered copy of a bundle). */
export function writeZip(file: string, entries: readonly ZipEntry[]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const e of entries) zip.addBuffer(e.data, e.name);
  zip.end();
  return new Promise((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject);
  });
}
