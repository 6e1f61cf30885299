import { contextBridge } from 'electron';
import { ipcTransport } from './ipc-transport';

/**
 * The page gets the IPC transport as `window.calldeckIpc` and builds `window.calldeck` over it in its
 * own world (src/renderer/src/bridge/install.ts). Exposing the Api itself would lose ApiError's
 * `code` and `issues`: contextBridge rebuilds a rejected Error as a bare Error (electron/electron#25596).
 * Only functions and plain ApiResult objects cross the bridge; nothing of Electron or Node.
 */
contextBridge.exposeInMainWorld('calldeckIpc', ipcTransport);
