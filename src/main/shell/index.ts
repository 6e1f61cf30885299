import { app, BrowserWindow, dialog, utilityProcess } from 'electron';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCore, defaultDataDir, installProcessFaultPolicy, type Core } from '../core';
import { forwardEvents, registerIpc } from './ipc';
import { installMenu } from './menu';
import { adoptRestoredSecrets, SafeStorageSecretStore } from './safe-storage-secrets';
import { keychainRestoreSecrets } from './restore-secrets';
import { createMainWindow, isOwnUrl, isTrustedSender } from './window';
import { handleArtifactProtocol, registerArtifactScheme } from './artifact-protocol';
import { utilityProcessLauncher } from './utility-workers';
import { electronPdfPrinter } from './pdf-printer';

// The desktop host: windows, IPC, keychain and menus around the same core the headless host runs.
// The same policy as `calldeck serve` for faults nobody handled (src/main/core/logging/process-faults.ts).
installProcessFaultPolicy();
const dataDir = process.env.CALLDECK_DATA ?? defaultDataDir();
app.setPath('userData', dataDir);
// Before ready, or Chromium will not treat artifact: as a real (seekable, fetchable) scheme.
registerArtifactScheme();

/** In development the Node build of better-sqlite3 serves the tests; Electron loads its own build. */
function electronNativeBinding(): string | undefined {
  if (app.isPackaged) return undefined;
  const candidate = path.join(
    app.getAppPath(),
    '.electron-native',
    process.versions.electron,
    'better_sqlite3.node',
  );
  return fs.existsSync(candidate) ? candidate : undefined;
}

let core: Core | undefined;

function openWindow(c: Core): void {
  const win = createMainWindow();
  const stopForwarding = forwardEvents(c, win.webContents);
  win.on('closed', stopForwarding);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [win] = BrowserWindow.getAllWindows();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });

  void app.whenReady().then(async () => {
    try {
      const keychainFile = path.join(dataDir, 'secrets.keychain.json');
      adoptRestoredSecrets(keychainFile, path.join(dataDir, 'secrets.json'));
      core = await createCore({
        dataDir,
        host: 'electron',
        secrets: new SafeStorageSecretStore(keychainFile),
        restoreSecrets: keychainRestoreSecrets,
        actor: os.userInfo().username,
        version: app.getVersion(),
        nativeBinding: electronNativeBinding(),
        // Packaged: bots and sandbox scripts ship as extraResources beside app.asar.
        resourcesDir: app.isPackaged ? process.resourcesPath : path.join(app.getAppPath(), 'resources'),
        // Speech workers as utility processes: the app never runs itself as Node (RunAsNode fuse off).
        workerLauncher: utilityProcessLauncher(
          (modulePath, args, options) => utilityProcess.fork(modulePath, args, options),
          path.join(dataDir, 'workers'),
        ),
        // PDF exports print in a hidden window of this app: no Chromium needs installing.
        pdfPrinter: electronPdfPrinter((options) => new BrowserWindow(options)),
      });
    } catch (err) {
      dialog.showErrorBox('CallDeck cannot start', err instanceof Error ? err.message : String(err));
      app.exit(1);
      return;
    }
    registerIpc(core, isTrustedSender);
    handleArtifactProtocol(core, isOwnUrl);
    installMenu(dataDir);
    openWindow(core);
    app.on('activate', () => {
      if (core && BrowserWindow.getAllWindows().length === 0) openWindow(core);
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let stopping = false;
  app.on('before-quit', (event) => {
    if (stopping || !core) return;
    stopping = true;
    event.preventDefault();
    void core.stop().finally(() => app.quit());
  });
}
