export { Dispatcher, issuesOf, type CallContext, type HandlerContext } from './dispatcher';
export { EventBus, DEFAULT_REPLAY_EVENTS, type EventListener, type EventPosition } from './event-bus';
export { flattenHandlers, type Handlers, type Handler, type FlatHandlers } from './handlers';
