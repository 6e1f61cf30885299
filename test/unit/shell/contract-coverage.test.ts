import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiClient, listChannels, type ApiTransport } from '../../../src/shared';
import { makeTestCore } from '../../helpers/core';

// The Electron binary cannot run here: electron is replaced at the module boundary by a recorder.
const exposed: Record<string, unknown> = {};
const ipcHandlers = new Map<string, unknown>();
const ipcRenderer = vi.hoisted(() => ({ invoke: vi.fn(), on: vi.fn(), off: vi.fn() }));
const getPathForFile = vi.hoisted(() => vi.fn((_file: unknown) => '/tmp/x.csv'));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer,
  webUtils: { getPathForFile },
  ipcMain: {
    handle: (channel: string, fn: unknown) => ipcHandlers.set(channel, fn),
    removeHandler: (channel: string) => ipcHandlers.delete(channel),
  },
}));

/** `domain.method` names of an Api object (plus its `on`). */
function methodsOf(api: unknown): string[] {
  const out: string[] = [];
  for (const [domain, value] of Object.entries(api as Record<string, unknown>)) {
    if (typeof value === 'function') continue;
    for (const [method, fn] of Object.entries(value as Record<string, unknown>)) {
      if (typeof fn === 'function') out.push(`${domain}.${method}`);
    }
  }
  return out.sort();
}

describe('one contract, every host', () => {
  const contractChannels = listChannels()
    .map((c) => c.channel as string)
    .sort();
  // Every host also carries file staging (path under Electron, upload in a browser).
  const apiMethods = [...contractChannels, 'files.stage'].sort();
  let testCore: Awaited<ReturnType<typeof makeTestCore>>;
  afterAll(() => testCore.cleanup());

  beforeAll(async () => {
    testCore = await makeTestCore();
    await import('../../../src/preload/index');
  });

  it('the preload exposes only the transport, and the Api built over it is exactly the contract', () => {
    expect(Object.keys(exposed)).toEqual(['calldeckIpc']);
    const transport = exposed.calldeckIpc as ApiTransport;
    expect(Object.keys(transport).sort()).toEqual(['invoke', 'stage', 'subscribe']);
    expect(Object.values(transport).every((v) => typeof v === 'function')).toBe(true);
    const api = createApiClient(transport);
    expect(methodsOf(api)).toEqual(apiMethods);
    expect(typeof api.on).toBe('function');
  });

  it('the transport answers with outcomes and never rejects (nothing typed survives contextBridge)', async () => {
    const transport = exposed.calldeckIpc as ApiTransport;
    ipcRenderer.invoke.mockClear();
    // Only contract channels reach IPC: the page cannot stage a raw path through invoke.
    expect(await transport.invoke('files.stage' as never, '/etc/passwd')).toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    expect(ipcRenderer.invoke).not.toHaveBeenCalled();
    ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered for 'calldeck:app.info'"));
    expect(await transport.invoke('app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: expect.stringContaining('No handler registered') as unknown },
    });
    ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: 42 });
    expect(await transport.invoke('app.info', {})).toEqual({ ok: true, value: 42 });
    expect(ipcRenderer.invoke).toHaveBeenLastCalledWith('calldeck:app.info', {});
    // Not a DOM File: webUtils throws, the main process gets no path and refuses it.
    getPathForFile.mockImplementationOnce(() => {
      throw new TypeError('not a File');
    });
    ipcRenderer.invoke.mockImplementationOnce((channel: string, filePath: unknown) =>
      Promise.resolve({
        ok: false,
        error: { code: 'invalid_request', message: `${channel} ${String(filePath)}|` },
      }),
    );
    expect(await transport.stage(new Blob(['a']) as never)).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'calldeck:files.stage |' },
    });
  });

  it('the web bridge client exposes exactly the same object', () => {
    const transport: ApiTransport = {
      invoke: () => Promise.resolve({ ok: true, value: null }),
      subscribe: () => () => {},
      stage: () => Promise.resolve({ ok: true, value: { id: 'f', name: 'a.csv', size: 1 } }),
    };
    expect(methodsOf(createApiClient(transport))).toEqual(apiMethods);
  });

  it('the core implements exactly the contract', () => {
    expect([...testCore.core.channels()].sort()).toEqual(contractChannels);
  });

  it('the Electron shell registers an IPC handler for exactly the contract', async () => {
    const { registerIpc } = await import('../../../src/main/shell/ipc');
    const unregister = registerIpc(testCore.core, () => true);
    expect([...ipcHandlers.keys()].map((c) => c.replace(/^calldeck:/, '')).sort()).toEqual(apiMethods);
    unregister();
    expect(ipcHandlers.size).toBe(0);
  });

  it('the shell refuses IPC from an untrusted frame', async () => {
    const { registerIpc } = await import('../../../src/main/shell/ipc');
    registerIpc(testCore.core, () => false);
    const handler = ipcHandlers.get('calldeck:settings.get') as (e: unknown, r: unknown) => unknown;
    expect(await handler({ senderFrame: { url: 'https://evil.example' } }, {})).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
  });

  it('a client call turns an error envelope into a typed ApiError', async () => {
    const api = createApiClient({
      invoke: (channel, request) => testCore.core.invoke(channel, request),
      subscribe: () => () => {},
      stage: () => Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'n/a' } }),
    });
    await expect(
      api.settings.update({ section: 'tunnel', values: { provider: 'manual', publicUrl: 'http://x' } }),
    ).rejects.toMatchObject({
      name: 'ApiError',
      code: 'invalid_request',
      issues: [{ path: 'values.publicUrl', message: 'Public URL must start with https://' }],
    });
  });
});
