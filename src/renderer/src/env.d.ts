/// <reference types="vite/client" />
import type { Api, ApiTransport } from '../../shared/api/client';

declare global {
  interface Window {
    /** The CallDeck Api, built by bridge/install.ts over whichever transport this host provides. */
    calldeck: Api;
    /**
     * Electron only: the IPC transport the preload exposes (src/preload/index.ts). Only
     * bridge/install.ts reads it; the app uses `window.calldeck`. Absent in a browser.
     */
    calldeckIpc?: ApiTransport;
  }
}
