/// <reference types="vite/client" />
import type { Api } from '../../shared/api/client';

declare global {
  interface Window {
    /** The CallDeck Api: from the preload under Electron, from the web bridge in a browser. */
    calldeck: Api;
  }
}
