/**
 * Which parts of the core a host starts. The desktop app and `calldeck serve` start everything;
 * a CLI command starts only what it needs, so `calldeck import` opens no port and loads no flite.
 */
export interface CoreProfile {
  /** The public surface (callbacks, passthru, voicebot stream) and with it telephony and the tunnel. */
  publicSurface: boolean;
  /** The voicebot on the public surface's stream route (needs the public surface). */
  voicebot: boolean;
  /** Start fails when the bot file does not load (else the app runs on and refuses streams). */
  voicebotRequired: boolean;
  /** The in-process Exotel sandbox and its callees' offline TTS (needs the public surface). */
  sandbox: boolean;
  /**
   * When the data folder's audit key is not in this host's secret store but keyed rows exist:
   * `create` a new key and say so in the log (the app), or `refuse` to start (a CLI command run
   * against the desktop app's folder must not fork its chain).
   */
  missingAuditKey: 'create' | 'refuse';
}

/** The desktop app and `calldeck serve`. */
export const FULL_APP: CoreProfile = {
  publicSurface: true,
  voicebot: true,
  voicebotRequired: false,
  sandbox: true,
  missingAuditKey: 'create',
};

/** `calldeck import`, `lists`, `lists delete`: the database, the audit log and the Api, nothing else. */
export const DATA_TOOL: CoreProfile = {
  publicSurface: false,
  voicebot: false,
  voicebotRequired: false,
  sandbox: false,
  missingAuditKey: 'refuse',
};

/** `calldeck voicebot`: the bot on its public surface; no sandbox, no calls placed. */
export const VOICEBOT_TOOL: CoreProfile = {
  publicSurface: true,
  voicebot: true,
  voicebotRequired: true,
  sandbox: false,
  missingAuditKey: 'refuse',
};
