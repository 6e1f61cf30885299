import { randomUUID } from 'node:crypto';
import type { ApiEvents, EventName, SequencedEvent } from '../../../shared/api/events';
import type { Logger } from '../logging';

export type EventListener = <E extends EventName>(event: E, payload: ApiEvents[E], seq: number) => void;

/** Where a subscriber last was: the bus run it listened to and the last number it saw there. */
export interface EventPosition {
  epoch: string;
  seq: number;
}

/** Enough for a bridge that drops for a few seconds during a busy campaign; older gaps re-fetch. */
export const DEFAULT_REPLAY_EVENTS = 2000;

/**
 * Typed pushes from the core to whichever hosts are listening. Every event gets the next sequence
 * number of this run (`epoch`), and the last `capacity` events are kept, so a host that lost its
 * connection can be handed exactly what it missed. A failing listener never breaks the emitter.
 */
export class EventBus {
  readonly epoch = randomUUID();
  private readonly listeners = new Set<EventListener>();
  private readonly ring: (SequencedEvent | undefined)[];
  private seq = 0;

  constructor(
    private readonly log: Logger,
    private readonly capacity = DEFAULT_REPLAY_EVENTS,
  ) {
    this.ring = new Array<SequencedEvent | undefined>(capacity);
  }

  emit<E extends EventName>(event: E, payload: ApiEvents[E]): void {
    const seq = ++this.seq;
    this.ring[seq % this.capacity] = { seq, event, payload };
    for (const l of this.listeners) {
      try {
        l(event, payload, seq);
      } catch (err) {
        this.log.error('event listener threw', { event, err });
      }
    }
  }

  position(): EventPosition {
    return { epoch: this.epoch, seq: this.seq };
  }

  /**
   * The events after `from`, oldest first; undefined when they cannot all be handed over (another
   * run of the core, or older than the buffer holds): the subscriber must then re-fetch its state.
   */
  since(from: EventPosition): SequencedEvent[] | undefined {
    if (from.epoch !== this.epoch || from.seq > this.seq || from.seq < 0) return undefined;
    if (this.seq - from.seq > this.capacity) return undefined;
    const out: SequencedEvent[] = [];
    for (let s = from.seq + 1; s <= this.seq; s++) {
      const e = this.ring[s % this.capacity];
      if (e?.seq !== s) return undefined;
      out.push(e);
    }
    return out;
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
