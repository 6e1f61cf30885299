'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS: runs the built bundles in a child Node */
const fs = require('node:fs');
const { preventable } = require('./browser-window.cjs');

/**
 * What the driver does with the running shell, as the renderer (and an attacker) would. Nothing is
 * asserted here: every outcome is returned as data and checked by test/e2e/electron-shell.test.ts.
 */
const EVENT_CHANNEL = 'calldeck:event';
const BAD_TUNNEL = {
  section: 'tunnel',
  values: { provider: 'manual', publicUrl: 'http://not-https.example' },
};

/** `domain.method` names of an exposed Api object (its functions one level down). */
function methodsOf(api) {
  const out = [];
  for (const [domain, value] of Object.entries(api)) {
    if (typeof value !== 'object' || value === null) continue;
    for (const [method, fn] of Object.entries(value))
      if (typeof fn === 'function') out.push(`${domain}.${method}`);
  }
  return out.sort();
}

function describeError(err) {
  return {
    isError: err instanceof Error,
    name: err?.name,
    message: err?.message,
    code: err?.code,
    issues: err?.issues,
    ownKeys: err && typeof err === 'object' ? Object.keys(err) : [],
  };
}

/** A call's outcome as data: the value, or the error as the caller's world sees it. */
async function settle(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

/** Polls `pred` every 10 ms for at most `ms`; returns whether it came true. */
async function until(pred, ms) {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

function windowFacts(fake, win) {
  return {
    options: win.options,
    loads: win.loads,
    timeline: win.timeline,
    url: win.webContents.getURL(),
    handlerChannels: [...fake.handlers.keys()].sort(),
  };
}

/** Navigation, new windows, webviews and permissions, through the handlers window.ts installed. */
function securityChecks(fake, win) {
  const contents = win.webContents;
  const ownUrl = contents.getURL();
  const navigation = {
    ownUrl,
    foreign: contents.navigate('https://evil.example/'),
    foreignRedirect: contents.navigate('https://evil.example/', 'will-redirect'),
    otherFile: contents.navigate('file:///etc/passwd'),
    lookalikeFile: contents.navigate(lookalike(ownUrl)),
    ownRoute: contents.navigate(`${ownUrl}#/settings`),
  };
  contents.url = ownUrl;
  const open = (url) =>
    contents.windowOpenHandler?.({ url, frameName: '', features: '', disposition: 'new-window' });
  const windowOpen = {
    https: open('https://support.exotel.com/'),
    http: open('http://example.com/'),
    file: open('file:///etc/passwd'),
  };
  const openedExternally = fake.calls.filter((c) => c.name === 'shell.openExternal').map((c) => c.args[0]);
  const webview = preventable();
  contents.emit('will-attach-webview', webview, {}, {});
  const stray = fake.foreignContents('https://evil.example/');
  const strayWebview = preventable();
  stray.emit('will-attach-webview', strayWebview, {}, {});
  let permissionGranted;
  contents.session.permissionRequestHandler?.(contents, 'media', (v) => (permissionGranted = v), {});
  const permissionCheck = contents.session.permissionCheckHandler?.(contents, 'media', 'file://', {});
  return {
    navigation,
    windowOpen,
    openedExternally,
    webviewPrevented: webview.defaultPrevented,
    strayWebviewPrevented: strayWebview.defaultPrevented,
    permissionGranted,
    permissionCheck,
  };
}

function menuFacts(fake) {
  const items = fake.applicationMenu()?.items ?? [];
  const file = items.find((i) => i.label === 'File');
  const openData = file?.submenu?.find((i) => i.label === 'Open data folder');
  openData?.click?.();
  return {
    labels: items.map((i) => i.label ?? i.role),
    openedPaths: fake.calls.filter((c) => c.name === 'shell.openPath').map((c) => c.args[0]),
  };
}

/** Another file whose path merely ends like the app's page (file:///tmp/evil/<app>/out/renderer/...). */
const lookalike = (ownUrl) => ownUrl.replace('file://', 'file:///tmp/evil');

/** Frames the shell did not create must get nothing, whatever channel they try. */
async function untrustedChecks(fake, ownUrl) {
  const web = fake.foreignContents('https://evil.example/');
  const otherFile = fake.foreignContents('file:///tmp/evil/index.html');
  const lookalikeFile = fake.foreignContents(lookalike(ownUrl));
  const remoteHost = fake.foreignContents(ownUrl.replace('file://', 'file://evil-host'));
  return {
    webGet: await fake.invokeFrom(web, 'calldeck:settings.get', {}),
    fileGet: await fake.invokeFrom(otherFile, 'calldeck:settings.get', {}),
    lookalikeGet: await fake.invokeFrom(lookalikeFile, 'calldeck:settings.get', {}),
    remoteHostGet: await fake.invokeFrom(remoteHost, 'calldeck:settings.get', {}),
    webSetSecret: await fake.invokeFrom(web, 'calldeck:settings.setSecret', {
      name: 'exotel.apiToken',
      value: 'overwritten-by-evil',
    }),
    webStage: await fake.invokeFrom(web, 'calldeck:files.stage', '/etc/passwd'),
  };
}

/** What the preload exposed, as the page sees it: its keys, whether they are functions, frozen. */
function exposedFacts(page, transport) {
  return {
    exposedKeys: page.exposedKeys,
    transportKeys: Object.keys(transport).sort(),
    transportFunctions: Object.values(transport).every((v) => typeof v === 'function'),
    frozen: Object.isFrozen(transport),
    installed: page.installed,
    apiWritable: page.apiWritable,
  };
}

async function runFull({ fake, app, win, modules, page }) {
  const secret = process.env.FAKE_ELECTRON_SECRET ?? '';
  const csvPath = process.env.FAKE_ELECTRON_CSV ?? '';
  const transport = modules.mainWorld.calldeckIpc;
  const calldeck = page.calldeck;
  const out = { window: windowFacts(fake, win), exposed: exposedFacts(page, transport) };
  out.methods = methodsOf(calldeck);
  out.onIsFunction = typeof calldeck.on === 'function';
  out.security = securityChecks(fake, win);
  out.menu = menuFacts(fake);

  const seen = { settings: [], audit: [], detached: 0 };
  calldeck.on('settings.changed', (view) => seen.settings.push(view));
  calldeck.on('audit.appended', (entry) => seen.audit.push(entry));
  const off = calldeck.on('audit.appended', () => (seen.detached += 1));
  off();
  out.info = await settle(() => calldeck.app.info());
  out.before = await settle(() => calldeck.settings.get());
  const calling = out.before.ok ? out.before.value.settings.calling : {};
  out.update = await settle(() =>
    calldeck.settings.update({
      section: 'calling',
      values: { ...calling, timeZone: 'Asia/Dubai', windowStart: '10:30' },
    }),
  );
  out.after = await settle(() => calldeck.settings.get());
  out.setSecret = await settle(() => calldeck.settings.setSecret({ name: 'exotel.apiToken', value: secret }));
  out.setSecretLeaks = JSON.stringify(out.setSecret).includes(secret);
  out.eventsArrived = await until(
    () => seen.settings.some((v) => v.settings.calling.timeZone === 'Asia/Dubai') && seen.audit.length >= 2,
    5_000,
  );
  out.eventListeners = modules.listenerCount(EVENT_CHANNEL);

  // A bad field: as the page's Api raises it (and SettingsView reads it), as the page receives the
  // transport's outcome across the bridge, and on the IPC wire.
  let pageFieldErrors;
  out.badField = {
    page: await settle(() =>
      calldeck.settings.update(BAD_TUNNEL).catch((err) => {
        pageFieldErrors = page.fieldErrors(err);
        throw err;
      }),
    ),
    bridged: await transport.invoke('settings.update', BAD_TUNNEL),
    wire: await modules.electron.ipcRenderer.invoke('calldeck:settings.update', BAD_TUNNEL),
  };
  out.badField.fieldErrors = pageFieldErrors;
  // The exposed invoke reaches contract methods only: not the raw-path staging channel, nor others.
  out.rawInvoke = {
    stagePath: await settle(() => transport.invoke('files.stage', '/etc/passwd')),
    otherChannel: await settle(() => transport.invoke('calldeck:event', {})),
  };

  // No keychain: the secret must be refused, never written some other way.
  const secretsFile = `${process.env.CALLDECK_DATA}/secrets.keychain.json`;
  const fileBefore = fs.existsSync(secretsFile) ? fs.readFileSync(secretsFile, 'utf8') : null;
  fake.setKeychainAvailable(false);
  out.noKeychain = await settle(() =>
    calldeck.settings.setSecret({ name: 'speech.apiKey', value: `${secret}-2` }),
  );
  fake.setKeychainAvailable(true);
  out.noKeychainFileUnchanged =
    (fs.existsSync(secretsFile) ? fs.readFileSync(secretsFile, 'utf8') : null) === fileBefore;

  out.untrusted = await untrustedChecks(fake, win.webContents.getURL());

  // A dropped file crosses as a path; a file with no path on disk is refused.
  const dropped = new File([fs.readFileSync(csvPath)], 'contacts.csv', { type: 'text/csv' });
  modules.dropFile(dropped, csvPath);
  out.stage = await settle(() => calldeck.files.stage(dropped));
  out.preview = out.stage.ok
    ? await settle(() => calldeck.contacts.preview({ fileId: out.stage.value.id }))
    : { ok: false, error: { message: 'not staged' } };
  out.stageNoPath = await settle(() => calldeck.files.stage(new File(['a'], 'nowhere.csv')));

  out.final = await settle(() => calldeck.settings.get());
  out.verify = await settle(() => calldeck.audit.verify());
  out.auditList = await settle(() => calldeck.audit.list({ limit: 100 }));
  out.seen = { settingsChanged: seen.settings.length, audit: seen.audit, detached: seen.detached };
  out.quit = await quitSequence({ fake, app, win });
  return out;
}

/** Quit (app.quit() or as `trigger` does); at each app.quit() call, ask the core (through IPC) whether it still runs. */
async function quitSequence({ fake, app, win }, trigger = () => app.quit()) {
  const probes = [];
  app.onQuitCalled = (n) =>
    probes.push({ n, result: fake.invokeFrom(win.webContents, 'calldeck:app.info', {}) });
  const quitting = new Promise((resolve) => fake.registry.bus.once('quit', resolve));
  const bounded = new Promise((resolve) => setTimeout(resolve, 10_000, 'timeout').unref());
  trigger();
  const outcome = await Promise.race([quitting.then(() => 'quit'), bounded]);
  const settled = [];
  for (const p of probes)
    settled.push({ n: p.n, result: await p.result.catch((e) => ({ threw: String(e) })) });
  return {
    outcome,
    timeline: app.timeline,
    quitCalls: app.quitCalls,
    probes: settled,
    windowDestroyed: win.isDestroyed(),
    contentsDestroyed: win.webContents.isDestroyed(),
  };
}

/** Dev server mode: the window loads ELECTRON_RENDERER_URL and trusts that origin only. */
async function runDev({ fake, app, win, page }) {
  const calldeck = page.calldeck;
  const contents = win.webContents;
  const devUrl = contents.getURL();
  const out = { window: windowFacts(fake, win) };
  out.settings = await settle(() => calldeck.settings.get());
  out.navigation = {
    sameOrigin: contents.navigate(new URL('/#/contacts', devUrl).href),
    otherPort: contents.navigate('http://localhost:1/'),
  };
  contents.url = devUrl;
  const builtPage = fake.foreignContents(
    `file://${process.env.FAKE_ELECTRON_APP_PATH}/out/renderer/index.html`,
  );
  out.builtPageInDev = await fake.invokeFrom(builtPage, 'calldeck:settings.get', {});
  // The user closes the last window: on Windows and Linux that quits the app.
  out.quit = await quitSequence({ fake, app, win }, () => win.close());
  return out;
}

/** A response from the artifact: handler as data: status, the headers that matter, the body (base64). */
async function responseFacts(res) {
  const headers = {};
  for (const name of [
    'content-type',
    'content-length',
    'content-range',
    'content-disposition',
    'cache-control',
    'access-control-allow-origin',
  ])
    headers[name] = res.headers.get(name);
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()).toString('base64') };
}

/** A list imported with rejects, its reject file fetched as the page would, through artifact:. */
async function runArtifacts({ fake, app, win, modules, page }) {
  const csvPath = process.env.FAKE_ELECTRON_CSV ?? '';
  const calldeck = page.calldeck;
  const ownUrl = win.webContents.getURL();
  const out = {
    privilegedSchemes: fake.privilegedSchemes(),
    order: fake.calls.map((c) => c.name).filter((n) => n.startsWith('protocol.')),
  };
  const finished = new Promise((resolve) => calldeck.on('contacts.importFinished', resolve));
  const dropped = new File([fs.readFileSync(csvPath)], 'rejects.csv', { type: 'text/csv' });
  modules.dropFile(dropped, csvPath);
  const staged = await calldeck.files.stage(dropped);
  await calldeck.contacts.startImport({
    fileId: staged.id,
    listName: 'Shell rejects',
    mapping: { phone: 'phone', name: 'name' },
  });
  const done = await finished;
  out.reject = await settle(() => calldeck.contacts.rejectCsv({ listId: done.outcome.summary.listId }));
  const id = out.reject.ok ? out.reject.value.artifact.id : 'none';
  const get = async (url, init) => {
    try {
      return await responseFacts(await fake.protocolFetch(url, init));
    } catch (err) {
      return { threw: String(err) };
    }
  };
  out.download = await get(`artifact://local/${id}?download=1`, { referrer: ownUrl });
  out.inline = await get(`artifact://local/${id}`);
  out.range = await get(`artifact://local/${id}`, { headers: { Range: 'bytes=0-4' } });
  out.unknown = await get('artifact://local/00000000-0000-4000-8000-000000000000');
  out.pathId = await get('artifact://local/..%2Fcalldeck.sqlite');
  out.otherHost = await get(`artifact://elsewhere/${id}`);
  out.foreignReferrer = await get(`artifact://local/${id}`, { referrer: 'https://evil.example/' });
  out.post = await get(`artifact://local/${id}`, { method: 'POST', body: 'x' });
  out.quit = await quitSequence({ fake, app, win });
  return out;
}

module.exports = { runFull, runDev, runArtifacts, settle, until, quitSequence };
