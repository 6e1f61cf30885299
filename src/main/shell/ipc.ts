import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { listChannels } from '../../shared/api/contract';
import { EVENT_CHANNEL, invokeChannel, STAGE_FILE_CHANNEL } from '../../shared/api/ipc-channels';
import type { SequencedEvent } from '../../shared/api/events';
import type { ApiResult } from '../../shared/api/errors';
import type { StagedFile } from '../../shared/files';
import type { Core } from '../core';

/** The only place the shell touches ipcMain: every contract method, sender-checked, into the core. */
export function registerIpc(core: Core, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  const channels = listChannels().map((c) => c.channel);
  for (const channel of channels) {
    ipcMain.handle(invokeChannel(channel), (event, request: unknown) => {
      if (!isTrustedSender(event)) {
        core.log.warn('refused IPC from an untrusted frame', { channel, url: event.senderFrame?.url });
        return { ok: false, error: { code: 'unauthorized', message: 'Untrusted sender' } };
      }
      return core.invoke(channel, request);
    });
  }
  ipcMain.handle(STAGE_FILE_CHANNEL, (event, filePath: unknown): ApiResult<StagedFile> => {
    if (!isTrustedSender(event)) {
      core.log.warn('refused IPC from an untrusted frame', {
        channel: STAGE_FILE_CHANNEL,
        url: event.senderFrame?.url,
      });
      return { ok: false, error: { code: 'unauthorized', message: 'Untrusted sender' } };
    }
    if (typeof filePath !== 'string' || filePath === '') {
      return { ok: false, error: { code: 'invalid_request', message: 'Drop a file from this computer' } };
    }
    return core.stageFile(filePath);
  });
  return () => {
    for (const channel of channels) ipcMain.removeHandler(invokeChannel(channel));
    ipcMain.removeHandler(STAGE_FILE_CHANNEL);
  };
}

/** Forwards core pushes to a window's renderer, numbered so the page can tell a missed one. */
export function forwardEvents(core: Core, contents: WebContents): () => void {
  return core.subscribe((event, payload, seq) => {
    if (!contents.isDestroyed())
      contents.send(EVENT_CHANNEL, { event, payload, seq } satisfies SequencedEvent);
  });
}
