import type { EventBus, EventProducer } from '@jobledger/kafka';
import { GroupedProducer } from './grouped-producer';

/**
 * One producer per process, connected on first use and reconnected after a failed connect; its
 * concurrent sends share requests (GroupedProducer).
 */
export class SharedProducer {
  private producer: Promise<EventProducer> | undefined;

  constructor(private readonly bus: EventBus) {}

  get(): Promise<EventProducer> {
    if (!this.producer) {
      this.producer = this.bus.producer().then((producer) => new GroupedProducer(producer));
      this.producer.catch(() => (this.producer = undefined));
    }
    return this.producer;
  }

  onApplicationShutdown(): Promise<void> {
    return this.disconnect();
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect();
  }
}
