import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiClient, listChannels, type ApiTransport } from '../../../src/shared';
import { makeTestCore } from '../../helpers/core';

// The Electron binary cannot run here: electron is replaced at the module boundary by a recorder.
const exposed: Record<string, unknown> = {};
const ipcHandlers = new Map<string, unknown>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), off: vi.fn() },
  webUtils: { getPathForFile: () => '/tmp/x.csv' },
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

  it('the preload exposes exactly the contract on window.calldeck', () => {
    expect(Object.keys(exposed)).toEqual(['calldeck']);
    expect(methodsOf(exposed.calldeck)).toEqual(apiMethods);
    expect(typeof (exposed.calldeck as { on: unknown }).on).toBe('function');
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
