import type { ApiErrorBody, ApiIssue, AuditEntry, RejectCsv, SettingsView } from '../../../../src/shared';
import type { RestoreResultInfo } from '../../../../src/shared/data-care';

// The shapes drive-shell.cjs / scenarios.cjs report (JSON lines), as the test reads them.

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };
export interface SeenError {
  isError: boolean;
  name?: string;
  message?: string;
  code?: string;
  issues?: ApiIssue[];
  ownKeys: string[];
}
export type Settled<T> = { ok: true; value: T } | { ok: false; error: SeenError };
export interface WindowFacts {
  options: { show: boolean; webPreferences: Record<string, unknown> };
  loads: { kind: 'file' | 'url'; target: string }[];
  timeline: string[];
  url: string;
  handlerChannels: string[];
}
export interface QuitFacts {
  outcome: string;
  timeline: string[];
  probes: { n: number; result: Envelope<unknown> }[];
  windowDestroyed: boolean;
  contentsDestroyed: boolean;
}
export interface FullResult {
  window: WindowFacts;
  /** What the preload put on the page's window, and what the page's own install made of it. */
  exposed: {
    exposedKeys: string[];
    transportKeys: string[];
    transportFunctions: boolean;
    frozen: boolean;
    installed: { ok: true } | { ok: false; reason: string };
    apiWritable: boolean | undefined;
  };
  /** The page's `window.calldeck` (built over the exposed transport in the page's world). */
  methods: string[];
  onIsFunction: boolean;
  security: {
    navigation: Record<
      'foreign' | 'foreignRedirect' | 'otherFile' | 'lookalikeFile' | 'ownRoute',
      boolean
    > & {
      ownUrl: string;
    };
    windowOpen: Record<'https' | 'http' | 'file', { action: string }>;
    openedExternally: string[];
    webviewPrevented: boolean;
    strayWebviewPrevented: boolean;
    permissionGranted: boolean;
    permissionCheck: boolean;
  };
  menu: { labels: string[]; openedPaths: string[] };
  info: Settled<{ host: string; dataDir: string }>;
  before: Settled<SettingsView>;
  update: Settled<SettingsView>;
  after: Settled<SettingsView>;
  setSecret: Settled<SettingsView>;
  setSecretLeaks: boolean;
  eventsArrived: boolean;
  eventListeners: number;
  badField: {
    page: Settled<unknown>;
    /** What the renderer's fieldErrors() (SettingsView) makes of the page's error. */
    fieldErrors: Record<string, string> | undefined;
    bridged: Envelope<unknown>;
    wire: Envelope<unknown>;
  };
  rawInvoke: { stagePath: Settled<Envelope<unknown>>; otherChannel: Settled<Envelope<unknown>> };
  noKeychain: Settled<unknown>;
  noKeychainFileUnchanged: boolean;
  untrusted: Record<string, Envelope<unknown>>;
  stage: Settled<{ id: string; name: string }>;
  preview: Settled<{ headers: string[]; sample: { cells: string[] }[] }>;
  stageNoPath: Settled<unknown>;
  final: Settled<SettingsView>;
  verify: Settled<{ ok: boolean; rows: number }>;
  seen: { settingsChanged: number; audit: AuditEntry[]; detached: number };
  quit: QuitFacts;
}
export interface DevResult {
  window: WindowFacts;
  settings: Settled<SettingsView>;
  navigation: { sameOrigin: boolean; otherPort: boolean };
  builtPageInDev: Envelope<unknown>;
  quit: QuitFacts;
}

/** What the artifacts scenario saw of an artifact: response (or the error fetching it threw). */
export interface ProtocolFacts {
  status?: number;
  headers?: Record<string, string | null>;
  /** base64 */
  body?: string;
  threw?: string;
}
export interface ArtifactsResult {
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[];
  order: string[];
  reject: Settled<RejectCsv>;
  download: ProtocolFacts;
  inline: ProtocolFacts;
  range: ProtocolFacts;
  unknown: ProtocolFacts;
  pathId: ProtocolFacts;
  otherHost: ProtocolFacts;
  foreignReferrer: ProtocolFacts;
  post: ProtocolFacts;
  quit: QuitFacts;
}

/** What the PDF scenario saw: the export job, the downloaded file, and each print window. */
export interface PdfResult {
  started: Settled<{ jobId: string }>;
  finished: boolean;
  job: { state: string; result: { artifactId?: string; name?: string } | null; error: unknown } | null;
  download?: { status: number; type: string | null; body: string };
  printWindows: {
    options: { show?: boolean; webPreferences?: Record<string, unknown> };
    visible: boolean;
    destroyed: boolean;
    loads: { kind: string; target: string }[];
    printed: Record<string, unknown>[];
    blocksHttps: boolean;
    allowsFile: boolean;
  }[];
  quit: QuitFacts;
}

export interface RestoreOutcome {
  started?: Settled<{ jobId: string }>;
  state?: string;
  result?: RestoreResultInfo;
  error?: { code: string; message: string } | null;
}

export interface BackupResult {
  secret: Settled<unknown>;
  started: Settled<{ jobId: string }>;
  finished: boolean;
  job: { state: string; result: { secretsSealed?: boolean; files?: number } | null; error: unknown } | null;
  download?: { status: number; type: string | null };
  /** Settings › Data › Restore of that backup (FAKE_ELECTRON_RESTORE_TARGET): wrong, then right passphrase. */
  restoreWrong?: RestoreOutcome;
  restore?: RestoreOutcome;
  /** A backup made without a passphrase, restored on the same (fake) keychain. */
  restorePlain?: RestoreOutcome;
  settings: Settled<SettingsView>;
  quit: QuitFacts;
}
