'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs the built bundles in a child Node */
const { settle, until, quitSequence } = require('./scenarios.cjs');

/**
 * The desktop app's PDF export, as the page asks for it: reports.export with format pdf, the job
 * followed through job.updated, the file fetched through artifact: like a download. Returns what
 * the print window was and did; test/e2e/electron-pdf.test.ts asserts.
 */
async function runPdf({ fake, app, win, page }) {
  const calldeck = page.calldeck;
  const jobs = new Map();
  calldeck.on('job.updated', (job) => jobs.set(job.id, job));
  const out = {};
  out.started = await settle(() =>
    calldeck.reports.export({
      scope: { kind: 'campaign', campaignId: process.env.FAKE_ELECTRON_CAMPAIGN ?? '' },
      format: 'pdf',
    }),
  );
  const jobId = out.started.ok ? out.started.value.jobId : undefined;
  const done = () => {
    const job = jobs.get(jobId);
    return job !== undefined && job.state !== 'running';
  };
  out.finished = jobId !== undefined && (await until(done, 60_000));
  const job = jobs.get(jobId);
  out.job = job ? { state: job.state, result: job.result, error: job.error } : null;
  const artifactId = job?.result?.artifactId;
  if (artifactId) {
    const res = await fake.protocolFetch(`artifact://local/${artifactId}?download=1`, {
      referrer: win.webContents.getURL(),
    });
    out.download = {
      status: res.status,
      type: res.headers.get('content-type'),
      body: Buffer.from(await res.arrayBuffer()).toString('base64'),
    };
  }
  // Every window but the app's: the print windows.
  out.printWindows = fake.registry.windows
    .filter((w) => w !== win)
    .map((w) => ({
      options: w.options,
      visible: w.visible,
      destroyed: w.isDestroyed(),
      loads: w.loads,
      printed: w.webContents.printed ?? [],
      blocksHttps: w.webContents.session.wouldCancel('https://fonts.example.com/a.woff2'),
      allowsFile: !w.webContents.session.wouldCancel('file:///tmp/report.html'),
    }));
  out.quit = await quitSequence({ fake, app, win });
  return out;
}

module.exports = { runPdf };
