import { KafkaJSProtocolError } from 'kafkajs';
import type { Producer } from 'kafkajs';
import type { EventProducer, OutboundMessage } from '../port/event-bus.port';

export class KafkajsProducer implements EventProducer {
  constructor(private readonly producer: Producer) {}

  async send(messages: OutboundMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const byTopic = new Map<string, OutboundMessage[]>();
    for (const message of messages) {
      const list = byTopic.get(message.topic) ?? [];
      list.push(message);
      byTopic.set(message.topic, list);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map(({ key, value, headers }) => ({ key, value, headers })),
        })),
      });
    } catch (error) {
      // The broker's answer that no retry changes (a message too large, an invalid record).
      if (error instanceof KafkaJSProtocolError && error.retriable === false) Object.assign(error, { refused: true });
      throw error;
    }
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
