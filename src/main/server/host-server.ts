import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BRIDGE_TOKEN_PARAM } from '../../shared/api/bridge-protocol';
import { UPLOAD_PATH } from '../../shared/files';
import { createCore, type Core, type CoreConfig, type LogSink } from '../core';
import { createBridgeServer } from './bridge-server';
import { FileSecretStore } from './file-secret-store';
import { fileRestoreSecrets } from './file-restore-secrets';
import { securityHeaders, serveStatic } from './static-files';
import { handleUpload } from './upload-route';
import { handleArtifact, isArtifactPath } from './artifact-route';
import { isPeerGone } from './peer-gone';

export interface ServeOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port: number;
  host: string;
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
  version: string;
  /** Fixed token (tests); random otherwise. */
  token?: string;
  /** Largest accepted upload (spreadsheets, audio). Default 2 GB. */
  maxUploadBytes?: number;
  /** Telephony provider mode, public surface port, sandbox script and time scale (see CoreConfig). */
  telephony?: CoreConfig['telephony'];
  publicPort?: number;
  sandboxScript?: unknown;
  sandboxTimeScale?: number;
  logSinks?: LogSink[];
  /** The public surface's and the voicebot's limits (`calldeck serve --max-sessions …`). */
  publicSurface?: CoreConfig['publicSurface'];
  voicebotLimits?: NonNullable<CoreConfig['voicebot']>['limits'];
}

export interface RunningServer {
  core: Core;
  port: number;
  token: string;
  /** The address to open, token included. */
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function currentActor(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

export const SECRETS_FILE = 'secrets.json';

/** The headless host: the core, the built UI over HTTP and the Api over a token-guarded WebSocket. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const core = await createCore({
    dataDir: options.dataDir,
    host: 'server',
    secrets: new FileSecretStore(path.join(options.dataDir, SECRETS_FILE)),
    restoreSecrets: fileRestoreSecrets,
    actor: currentActor(),
    version: options.version,
    logSinks: options.logSinks,
    telephony: options.telephony,
    publicPort: options.publicPort,
    sandboxScript: options.sandboxScript,
    sandboxTimeScale: options.sandboxTimeScale,
    publicSurface: options.publicSurface,
    ...(options.voicebotLimits ? { voicebot: { limits: options.voicebotLimits } } : {}),
  });
  const loopbackOnly = LOOPBACK.has(options.host);
  let port = options.port;
  // DNS-rebinding guard: on loopback, only our own host names may address us.
  const allowedHost = (hostHeader: string | undefined) =>
    !loopbackOnly || (hostHeader !== undefined && [...LOOPBACK].some((h) => hostHeader === `${h}:${port}`));
  const isAllowedOrigin = (origin: string) => {
    try {
      const u = new URL(origin);
      return allowedHost(u.host) && u.port === String(port);
    } catch {
      return false;
    }
  };
  const bridge = createBridgeServer(core, token, isAllowedOrigin);
  const rendererDir = path.resolve(options.rendererDir);

  const server = http.createServer((req, res) => {
    securityHeaders(res);
    if (!allowedHost(req.headers.host)) {
      res.writeHead(421, { 'Content-Type': 'text/plain' }).end('Misdirected request');
      return;
    }
    if (new URL(req.url ?? '/', 'http://local').pathname === UPLOAD_PATH) {
      void handleUpload(core, req, res, {
        token,
        maxBytes: options.maxUploadBytes ?? 2 * 1024 ** 3,
        isAllowedOrigin: (origin) => isAllowedOrigin(origin),
      });
      return;
    }
    if (isArtifactPath(new URL(req.url ?? '/', 'http://local').pathname)) {
      handleArtifact(core, req, res, { token, isAllowedOrigin }).catch((err: unknown) => {
        core.log.error('artifact request failed', { url: req.url?.split('?')[0], err });
        if (res.headersSent) res.destroy();
        else res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Internal error');
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('Method not allowed');
      return;
    }
    try {
      serveStatic(rendererDir, req, res);
    } catch (err) {
      core.log.error('static file failed', { url: req.url, err });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('Internal error');
    }
  });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', (err) =>
      isPeerGone(err)
        ? core.log.debug('upgrade socket closed by the peer', { code: (err as NodeJS.ErrnoException).code })
        : core.log.warn('upgrade socket error', { err }),
    );
    if (!allowedHost(req.headers.host)) {
      socket.end('HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\n\r\n');
      return;
    }
    bridge.handleUpgrade(req, socket, head);
  });
  server.on('clientError', (_err, socket) => {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await core.stop();
    throw err;
  }
  port = (server.address() as AddressInfo).port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${shownHost}:${port}/?${BRIDGE_TOKEN_PARAM}=${token}`;
  core.log.info('server listening', { host: options.host, port });

  let closing: Promise<void> | undefined;
  return {
    core,
    port,
    token,
    url,
    close() {
      closing ??= (async () => {
        await bridge.close();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await core.stop();
      })();
      return closing;
    },
  };
}
