export { Dispatcher, issuesOf, type CallContext } from './dispatcher';
export { EventBus, type EventListener } from './event-bus';
export { flattenHandlers, type Handlers, type Handler, type FlatHandlers } from './handlers';
