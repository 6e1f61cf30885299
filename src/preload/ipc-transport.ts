import { ipcRenderer, webUtils } from 'electron';
import type { ApiTransport } from '../shared/api/client';
import type { Channel } from '../shared/api/contract';
import type { ApiResult } from '../shared/api/errors';
import type { EventName } from '../shared/api/events';
import { EVENT_CHANNEL, invokeChannel, STAGE_FILE_CHANNEL } from '../shared/api/ipc-channels';
import type { FileLike, StagedFile } from '../shared/files';

/** The Api transport over Electron IPC: one invoke channel per method, one channel for pushes. */
export const ipcTransport: ApiTransport = {
  invoke: (channel: Channel, request: unknown) =>
    ipcRenderer.invoke(invokeChannel(channel), request) as Promise<ApiResult<unknown>>,
  subscribe(listener) {
    const handler = (_e: Electron.IpcRendererEvent, message: { event: EventName; payload: unknown }) =>
      listener(message.event, message.payload);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.off(EVENT_CHANNEL, handler);
    };
  },
  // A dropped file already lives on this machine: the main process reads it in place.
  stage: (file: FileLike) =>
    ipcRenderer.invoke(STAGE_FILE_CHANNEL, webUtils.getPathForFile(file as File)) as Promise<
      ApiResult<StagedFile>
    >,
};
