import type { FileLike, StagedFile } from '../files';
import type { ApiEvents, EventName } from './events';
import { ApiError, type ApiResult } from './errors';
import {
  contract,
  listChannels,
  type Channel,
  type Contract,
  type RequestIn,
  type ResponseOf,
} from './contract';

type MethodFn<S> =
  // Methods whose request has no required field can be called with no argument.
  Record<never, never> extends RequestIn<S>
    ? (request?: RequestIn<S>) => Promise<ResponseOf<S>>
    : (request: RequestIn<S>) => Promise<ResponseOf<S>>;

/** `seq` is the event's number in the core's run (see SequencedEvent). */
export type Listener<E extends EventName> = (payload: ApiEvents[E], seq: number | undefined) => void;

/** The object the renderer sees as `window.calldeck`, whichever host it runs under. */
export type Api = {
  readonly [D in keyof Contract]: { readonly [M in keyof Contract[D]]: MethodFn<Contract[D][M]> };
} & {
  /** Subscribe to a push; returns the unsubscribe function. */
  readonly on: <E extends EventName>(event: E, listener: Listener<E>) => () => void;
  /**
   * Called when pushes were missed and cannot be replayed (a bridge reconnected to a restarted core,
   * or after too long away): every store re-fetches its state. Returns the unsubscribe function.
   */
  readonly onResync: (listener: () => void) => () => void;
  /** Hands a dropped or picked file to the host; Api methods then read it by `id`. */
  readonly files: { readonly stage: (file: FileLike) => Promise<StagedFile> };
};

/** What a host must provide to carry the Api: request/response and a stream of pushes. */
export interface ApiTransport {
  invoke(channel: Channel, request: unknown): Promise<ApiResult<unknown>>;
  /** Pushes, in order; `seq` numbers them within one run of the core. */
  subscribe(listener: (event: EventName, payload: unknown, seq?: number) => void): () => void;
  /** The transport lost pushes it cannot replay (see Api.onResync). */
  onResync?(listener: () => void): () => void;
  /** Electron stages the file's path; the web bridge uploads its bytes. */
  stage(file: FileLike): Promise<ApiResult<StagedFile>>;
}

/** Builds the Api object over any transport: in the page, over the preload's IPC transport or the WebSocket bridge. */
export function createApiClient(transport: ApiTransport): Api {
  const api: Record<string, unknown> = {};
  for (const domain of Object.keys(contract)) api[domain] = {};
  for (const { channel, domain, method } of listChannels()) {
    (api[domain] as Record<string, unknown>)[method] = async (request?: unknown) => {
      const result = await transport.invoke(channel, request ?? {});
      if (!result.ok) throw new ApiError(result.error);
      return result.value;
    };
  }
  const listeners = new Map<EventName, Set<(payload: unknown, seq: number | undefined) => void>>();
  const resyncListeners = new Set<() => void>();
  const resync = () => {
    for (const l of resyncListeners) l();
  };
  let unsubscribeTransport: (() => void) | undefined;
  // Numbers run without gaps within a core run: a repeat is dropped, a jump means pushes were lost.
  let lastSeq: number | undefined;
  transport.onResync?.(() => {
    lastSeq = undefined;
    resync();
  });
  api.on = (event: EventName, listener: (payload: unknown, seq: number | undefined) => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    unsubscribeTransport ??= transport.subscribe((name, payload, seq) => {
      if (seq !== undefined && lastSeq !== undefined) {
        if (seq <= lastSeq) return;
        if (seq > lastSeq + 1) queueMicrotask(resync);
      }
      if (seq !== undefined) lastSeq = seq;
      for (const l of listeners.get(name) ?? []) l(payload, seq);
    });
    return () => {
      set.delete(listener);
    };
  };
  api.onResync = (listener: () => void) => {
    resyncListeners.add(listener);
    return () => {
      resyncListeners.delete(listener);
    };
  };
  api.files = {
    stage: async (file: FileLike) => {
      const result = await transport.stage(file);
      if (!result.ok) throw new ApiError(result.error);
      return result.value;
    },
  };
  return api as Api;
}
