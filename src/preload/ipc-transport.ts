import { ipcRenderer, webUtils } from 'electron';
import type { ApiTransport } from '../shared/api/client';
import { listChannels, type Channel } from '../shared/api/contract';
import type { ApiErrorBody, ApiResult } from '../shared/api/errors';
import type { SequencedEvent } from '../shared/api/events';
import { EVENT_CHANNEL, invokeChannel, STAGE_FILE_CHANNEL } from '../shared/api/ipc-channels';
import type { FileLike, StagedFile } from '../shared/files';

// The page gets this object itself (not an Api built from it): contextBridge cannot carry a typed
// exception (electron/electron#25596), so every call here resolves to an ApiResult and never rejects.
const failed = (error: ApiErrorBody): ApiResult<never> => ({ ok: false, error });
// An IPC rejection: no handler (the main process is stopping) or a request IPC cannot clone.
const noAnswer = (err: unknown): ApiResult<never> =>
  failed({
    code: 'unavailable',
    message: `CallDeck's main process did not answer: ${err instanceof Error ? err.message : String(err)}`,
  });

// Only the contract's channels: the page must not reach other IPC channels (e.g. staging a raw path).
const CHANNELS: ReadonlySet<string> = new Set(listChannels().map((c) => c.channel));

/** The Api transport over Electron IPC: one invoke channel per method, one channel for pushes. */
export const ipcTransport: ApiTransport = {
  async invoke(channel: Channel, request: unknown) {
    if (typeof channel !== 'string' || !CHANNELS.has(channel)) {
      return failed({ code: 'unknown_method', message: `Unknown Api method: ${String(channel)}` });
    }
    try {
      return (await ipcRenderer.invoke(invokeChannel(channel), request)) as ApiResult<unknown>;
    } catch (err) {
      return noAnswer(err);
    }
  },
  subscribe(listener) {
    const handler = (_e: Electron.IpcRendererEvent, message: SequencedEvent) =>
      listener(message.event, message.payload, message.seq);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.off(EVENT_CHANNEL, handler);
    };
  },
  // A dropped file already lives on this machine: the main process reads it in place.
  async stage(file: FileLike) {
    let filePath: string;
    try {
      filePath = webUtils.getPathForFile(file as File);
    } catch {
      // Not a DOM File (webUtils throws): there is no path to hand over.
      filePath = '';
    }
    try {
      return (await ipcRenderer.invoke(STAGE_FILE_CHANNEL, filePath)) as ApiResult<StagedFile>;
    } catch (err) {
      return noAnswer(err);
    }
  },
};
