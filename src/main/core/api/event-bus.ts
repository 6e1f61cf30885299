import type { ApiEvents, EventName } from '../../../shared/api/events';
import type { Logger } from '../logging';

export type EventListener = <E extends EventName>(event: E, payload: ApiEvents[E]) => void;

/** Typed pushes from the core to whichever hosts are listening. A failing listener never breaks the emitter. */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly log: Logger) {}

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners) {
      try {
        l(event, payload);
      } catch (err) {
        this.log.error('event listener threw', { event, err });
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  clear(): void {
    this.listeners.clear();
  }
}
