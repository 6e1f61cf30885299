import { contextBridge } from 'electron';
import { createApiClient } from '../shared/api/client';
import { ipcTransport } from './ipc-transport';

// The renderer sees exactly the contract's Api on window.calldeck, nothing of Electron or Node.
contextBridge.exposeInMainWorld('calldeck', createApiClient(ipcTransport));
