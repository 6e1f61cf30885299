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

export type Listener<E extends EventName> = (payload: ApiEvents[E]) => void;

/** The object the renderer sees as `window.calldeck`, whichever host it runs under. */
export type Api = {
  readonly [D in keyof Contract]: { readonly [M in keyof Contract[D]]: MethodFn<Contract[D][M]> };
} & {
  /** Subscribe to a push; returns the unsubscribe function. */
  readonly on: <E extends EventName>(event: E, listener: Listener<E>) => () => void;
  /** Hands a dropped or picked file to the host; Api methods then read it by `id`. */
  readonly files: { readonly stage: (file: FileLike) => Promise<StagedFile> };
};

/** What a host must provide to carry the Api: request/response and a stream of pushes. */
export interface ApiTransport {
  invoke(channel: Channel, request: unknown): Promise<ApiResult<unknown>>;
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
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
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let unsubscribeTransport: (() => void) | undefined;
  api.on = (event: EventName, listener: (payload: unknown) => void) => {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    unsubscribeTransport ??= transport.subscribe((name, payload) => {
      for (const l of listeners.get(name) ?? []) l(payload);
    });
    return () => {
      set.delete(listener);
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
