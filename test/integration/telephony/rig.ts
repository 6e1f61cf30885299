import path from 'node:path';
import { CallStateService, dialOnce, type CallStateChange } from '../../../src/main/core/calls';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import {
  loadOrCreatePublicSecret,
  publicUrls,
  startPublicSurface,
  type PublicSurface,
  type PublicUrls,
} from '../../../src/main/core/public-surface';
import { MemorySecretStore } from '../../../src/main/core/settings';
import { CallsRepository, DncRepository, openDatabase, type Db } from '../../../src/main/core/store';
import {
  CalleeScriptSchema,
  createTelephonyProvider,
  startSandbox,
  type CallMode,
  type PlaceCallResult,
  type Sandbox,
  type SandboxOptions,
  type TelephonyProvider,
} from '../../../src/main/core/telephony';
import { makeTempDir } from '../../helpers/temp-dir';

export const ACCOUNT = 'ACsandbox';

/** Sandbox ⇄ client, and the public surface driving the call state machine on a real SQLite file. */
export interface Rig {
  db: Db;
  logs: LogRecord[];
  secret: string;
  surface: PublicSurface;
  urls: PublicUrls;
  sandbox: Sandbox;
  provider: TelephonyProvider;
  calls: CallStateService;
  changes: CallStateChange[];
  /** What the dialer will do: commit the attempt, then place the call, then record the reply. */
  dial(
    number: string,
    mode: CallMode,
    extra?: { json?: boolean },
  ): Promise<{ id: string; result: PlaceCallResult }>;
  close(): Promise<void>;
}

export async function makeRig(
  script: unknown = {},
  sandboxOptions: Partial<SandboxOptions> = {},
  hooks: { onChange?: (change: CallStateChange) => void } = {},
): Promise<Rig> {
  const { dir, cleanup } = makeTempDir();
  const db = openDatabase(path.join(dir, 'calldeck.db'));
  const logs: LogRecord[] = [];
  const log = createLogger([memorySink(logs)], 'debug', 'test');
  const secret = loadOrCreatePublicSecret(new MemorySecretStore());
  const changes: CallStateChange[] = [];
  const built: { provider?: TelephonyProvider } = {};
  // Disputed callbacks are checked with the provider that placed the call: the sandbox here.
  const calls = new CallStateService(
    new CallsRepository(db),
    log.child('calls'),
    (c) => {
      changes.push(c);
      hooks.onChange?.(c);
    },
    {
      providerFor: () => built.provider,
    },
  );
  const surface = await startPublicSurface({
    secret,
    log: log.child('public'),
    handlers: { statusCallback: (cb) => calls.onStatusCallback(cb), passthru: (p) => calls.onPassthru(p) },
  });
  const urls = publicUrls(surface.localUrl, secret);
  const parsed = CalleeScriptSchema.parse({
    ...(script as object),
    flows: { '*': { passthruUrl: urls.passthru, voicebotUrl: urls.voicebot, agentNumber: '+918000000000' } },
  });
  const sandbox = await startSandbox({
    timeScale: 0.005,
    script: parsed,
    log: log.child('sandbox'),
    ...sandboxOptions,
  });
  const provider = createTelephonyProvider({
    kind: 'sandbox',
    baseUrl: sandbox.url,
    accountSid: ACCOUNT,
    apiKey: 'key',
    apiToken: 'token',
  });
  built.provider = provider;

  const dial: Rig['dial'] = async (number, mode, extra = {}) => {
    const dialled = await dialOnce(
      { calls, provider, dnc: new DncRepository(db) },
      {
        number,
        mode,
        callerId: '+918047000000',
        flowUrl: `http://my.exotel.com/${ACCOUNT}/exoml/start_voice/1234`,
        streamUrl: urls.voicebot,
        statusCallbackUrl: urls.statusCallback,
        statusCallbackContentType: extra.json === false ? 'multipart/form-data' : 'application/json',
        timeOutSec: 30,
      },
    );
    if (dialled.kind === 'refused') throw new Error(dialled.message);
    return { id: dialled.attempt.id, result: dialled.result };
  };

  return {
    db,
    logs,
    secret,
    surface,
    urls,
    sandbox,
    provider,
    calls,
    changes,
    dial,
    close: async () => {
      calls.close();
      await calls.checksIdle();
      await sandbox.close();
      await surface.close();
      db.close();
      cleanup();
    },
  };
}

/** Waits for the sandbox to finish the call, and for any check of a disputed callback (bounded). */
export async function settle(rig: Rig, result: PlaceCallResult): Promise<string> {
  if (result.kind !== 'accepted') throw new Error(`call was not accepted: ${JSON.stringify(result)}`);
  await Promise.race([
    rig.sandbox.settled(result.sid).then(() => rig.calls.checksIdle()),
    new Promise((_, reject) => setTimeout(() => reject(new Error('call did not settle in 10 s')), 10_000)),
  ]);
  return result.sid;
}
