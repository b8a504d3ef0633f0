import type { EventProducer } from '@jobledger/kafka';
import type { DataSource } from 'typeorm';
import type { JsonLogger } from '../logging/json-logger';
import { sleep } from '../lifecycle/retry';

export interface OutboxRelayOptions {
  /** @default 500 */
  batchSize?: number;
  /** How often to look for rows nobody kicked us about (e.g. left by a crash). @default 250 */
  pollMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/**
 * Publishes outbox rows to Kafka in id order and deletes them once Kafka acknowledged them.
 * One relay per schema publishes at a time (a transaction-scoped advisory lock), so that
 * replicas never reorder one job's events. A crash between the ack and the delete publishes
 * a row twice; consumers drop duplicates by event id.
 */
export class OutboxRelay {
  private running = false;
  /** Set by kick(); a kick while a batch is being published sends the relay round again at once. */
  private kicked = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly batchSize: number;
  private readonly pollMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly quotedSchema: string,
    private readonly producer: () => Promise<EventProducer>,
    private readonly logger: JsonLogger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 250;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Tells the relay that new rows were committed. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      this.kicked = false;
      try {
        const published = await this.publishBatch();
        failures = 0;
        if (published === this.batchSize) continue;
      } catch (error) {
        failures++;
        this.logger.warn('outbox relay could not publish; will retry', { error: (error as Error).message, failures });
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
      }
      // Rows committed while that batch was out: publish them now, not at the next poll.
      if (this.kicked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /**
   * One round of the relay in three round trips: the statement that takes the lock also takes the
   * oldest rows, deleting them — for good only when the transaction commits, after Kafka acknowledged
   * them; a failed send rolls the delete back and the rows stay for the next round.
   */
  private async publishBatch(): Promise<number> {
    const producer = await this.producer();
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `WITH relay AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked),
              taken AS (
                DELETE FROM ${this.quotedSchema}.outbox WHERE id IN (
                  SELECT id FROM ${this.quotedSchema}.outbox WHERE (SELECT locked FROM relay) ORDER BY id LIMIT $2
                ) RETURNING id, topic, key, value, headers
              )
         SELECT id, topic, key, value, headers FROM taken ORDER BY id`,
        [`${this.quotedSchema}.outbox`, this.batchSize],
      );
      if (rows.length === 0) return 0;
      await producer.send(rows.map(({ topic, key, value, headers }) => ({ topic, key, value, headers })));
      return rows.length;
    });
  }
}
