import { BrowserWindow, shell, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';

const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = path.join(__dirname, '../renderer/index.html');

/** The renderer's own origin: IPC from anything else is refused, navigation elsewhere blocked. */
function isOwnUrl(raw: string | undefined): boolean {
  if (!raw) return false;
  try {
    const url = new URL(raw);
    if (devServerUrl) return url.origin === new URL(devServerUrl).origin;
    return (
      url.protocol === 'file:' &&
      path
        .normalize(decodeURIComponent(url.pathname))
        .endsWith(path.normalize(rendererFile).replace(/^[A-Za-z]:/, ''))
    );
  } catch {
    return false;
  }
}

export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  return isOwnUrl(event.senderFrame?.url);
}

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'CallDeck',
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click would open links in new windows outside will-navigate's reach.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());

  const contents = win.webContents;
  // No navigation away from the app; external https links open in the OS browser.
  contents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnUrl(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);

  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(rendererFile);
  return win;
}
