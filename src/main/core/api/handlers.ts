import type { Channel, Contract, RequestOut, ResponseOf } from '../../../shared/api/contract';
import type { HandlerContext } from './dispatcher';

export type Handler<S> = (
  request: RequestOut<S>,
  ctx: HandlerContext,
) => ResponseOf<S> | Promise<ResponseOf<S>>;

/** The core's implementation of the contract, domain by domain. Missing a method fails to compile. */
export type Handlers = { [D in keyof Contract]: { [M in keyof Contract[D]]: Handler<Contract[D][M]> } };

export type FlatHandlers = Partial<
  Record<Channel, (request: unknown, ctx: HandlerContext) => Promise<unknown>>
>;

export function flattenHandlers(handlers: Handlers): FlatHandlers {
  const flat: FlatHandlers = {};
  for (const [domain, methods] of Object.entries(handlers)) {
    for (const [method, fn] of Object.entries(
      methods as Record<string, (r: unknown, c: HandlerContext) => unknown>,
    )) {
      flat[`${domain}.${method}` as Channel] = (request, ctx) => Promise.resolve(fn(request, ctx));
    }
  }
  return flat;
}
