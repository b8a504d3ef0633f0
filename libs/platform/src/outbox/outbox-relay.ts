import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { ClientConfig } from 'pg';
import type { EventProducer } from '@jobledger/kafka';
import type { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { pgArray } from '../db/pg-array';
import type { JsonLogger } from '../logging/json-logger';
import { sleep } from '../lifecycle/retry';
import { Wakeup } from '../lifecycle/wakeup';

export interface OutboxRelayOptions {
  /** @default 500 */
  batchSize?: number;
  /** How often to look for rows nobody kicked us about (e.g. left by a crash), and to try for the lock. @default 250 */
  pollMs?: number;
}

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

/** The relay's own connection to Postgres: while it holds the relay's lock, this relay is the one that publishes. */
interface Session {
  client: Client;
  leader: boolean;
  /** Not the leader, and holding the followers' shared lock: the leader listens while any relay does. */
  following: boolean;
  /** The leader, listening for the followers' NOTIFY. */
  listening: boolean;
  /** The connection failed: it is closed, and the next round opens another. */
  broken: boolean;
}

/**
 * Publishes outbox rows to Kafka in id order and deletes them once Kafka acknowledged them.
 * One relay per schema publishes (a session advisory lock, held on a connection of its own), so
 * that replicas never reorder one job's events; the others (followers) try for the lock at every
 * poll, and tell the publishing one about their commits (NOTIFY), so their kick reaches it at once.
 * The leader LISTENs only while followers exist (they hold a shared lock it tests in its rounds):
 * a listening session is woken by every NOTIFY in the database, the read model's included. A round is
 * one statement: it deletes the rows the previous round published and takes the oldest others —
 * no transaction around it, as Kafka is not in one anyway. A crash between the ack and the next
 * round's delete (at most a poll later) publishes a row twice; consumers drop duplicates by event id.
 */
export class OutboxRelay {
  private running = false;
  /** A kick while a batch is being published sends the relay round again at once. */
  private readonly wakeup = new Wakeup();
  private loop: Promise<void> | undefined;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly lockKey: string;
  private readonly followersKey: string;
  private readonly channel: string;
  private session: Session | undefined;
  /** Ids of rows Kafka acknowledged, deleted by the next round's statement. */
  private published: string[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly quotedSchema: string,
    private readonly producer: () => Promise<EventProducer>,
    private readonly logger: JsonLogger,
    options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 250;
    // The key the relays of every version take, so that no two ever publish one outbox at once.
    this.lockKey = `${quotedSchema}.outbox`;
    this.followersKey = `${quotedSchema}.outbox followers`;
    this.channel = `jl_outbox_${createHash('sha256').update(this.lockKey).digest('hex').slice(0, 24)}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Tells the relay that new rows were committed. */
  kick(): void {
    this.wakeup.kick();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  /** Stops after the round in flight, deletes what it published, and gives up the lock (its connection closes). */
  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    try {
      if (session.leader && !session.broken && this.published.length > 0) {
        await session.client.query(`DELETE FROM ${this.quotedSchema}.outbox WHERE id = ANY($1::bigint[])`, [pgArray(this.published)]);
        this.published = [];
      }
    } catch (error) {
      this.logger.warn('outbox relay could not delete the rows it published; the next relay publishes them again', { error: (error as Error).message });
    } finally {
      await session.client.end().catch(() => undefined);
    }
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const kicked = this.wakeup.take();
      try {
        const published = await this.publishBatch(kicked);
        failures = 0;
        if (published === this.batchSize) continue;
      } catch (error) {
        failures++;
        this.logger.warn('outbox relay could not publish; will retry', { error: (error as Error).message, failures });
        await sleep(Math.min(5_000, 100 * 2 ** Math.min(failures, 6)));
      }
      // Rows committed while that batch was out (a kick came) are published now, not at the next poll.
      await this.wakeup.sleep(this.pollMs);
    }
  }

  /**
   * One round, one statement: the rows the last round published are deleted and the oldest others
   * taken. The statement sees the outbox as it was before its own delete, so those rows are left
   * out by id. A failed send deletes nothing: its rows are taken again by the next round.
   */
  private async publishBatch(kicked: boolean): Promise<number> {
    const producer = await this.producer();
    const session = await this.openSession();
    if (!session.leader && !(await this.takeLock(session, kicked))) return 0;
    const done = pgArray(this.published);
    // The followers' shared locks make the exclusive try fail (it is let go at the statement's end).
    const result = (
      await this.query(
        session,
        `WITH done AS (DELETE FROM ${this.quotedSchema}.outbox WHERE id = ANY($1::bigint[])),
              alone AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(hashtext($3)) AS alone)
         SELECT o.id, o.topic, o.key, o.value, o.headers, a.alone FROM alone a
           LEFT JOIN LATERAL (SELECT id, topic, key, value, headers FROM ${this.quotedSchema}.outbox WHERE NOT (id = ANY($1::bigint[])) ORDER BY id LIMIT $2) o ON true
         ORDER BY o.id`,
        [done, this.batchSize, this.followersKey],
      )
    ).rows as unknown as (Partial<OutboxRow> & { alone: boolean })[];
    this.published = [];
    await this.listenWhileFollowed(session, !result[0].alone);
    const rows = result.filter((r): r is OutboxRow & { alone: boolean } => r.id !== null && r.id !== undefined);
    if (rows.length === 0) return 0;
    await producer.send(rows.map(({ topic, key, value, headers }) => ({ topic, key, value, headers })));
    this.published = rows.map((r) => r.id);
    return rows.length;
  }

  /**
   * Tries for the relay's lock. Another relay holds it: when this one was kicked (its service
   * committed rows), the one that publishes is told so at once, in the same statement.
   */
  private async takeLock(session: Session, kicked: boolean): Promise<boolean> {
    const [{ locked, following }] = (
      await this.query(
        session,
        `SELECT t.locked, CASE WHEN NOT t.locked AND $3::boolean THEN pg_notify($2, '') END AS told,
                CASE WHEN t.locked OR $4::boolean THEN $4::boolean ELSE pg_try_advisory_lock_shared(hashtext($5)) END AS following
         FROM (SELECT pg_try_advisory_lock(hashtext($1)) AS locked) t`,
        [this.lockKey, this.channel, kicked, session.following, this.followersKey],
      )
    ).rows as { locked: boolean; following: boolean }[];
    session.following = following;
    if (!locked) return false;
    if (session.following) {
      await this.query(session, `SELECT pg_advisory_unlock_shared(hashtext($1))`, [this.followersKey]);
      session.following = false;
    }
    session.leader = true;
    this.logger.info('outbox relay publishes this outbox', { outbox: this.lockKey });
    return true;
  }

  /** The leader listens for its followers' NOTIFY while there are any, and stops when there are none. */
  private async listenWhileFollowed(session: Session, followed: boolean): Promise<void> {
    if (followed === session.listening) return;
    await this.query(session, followed ? `LISTEN "${this.channel}"` : `UNLISTEN "${this.channel}"`, []);
    session.listening = followed;
  }

  /** The relay's connection, opened again after a failure (which took the lock with it). */
  private async openSession(): Promise<Session> {
    if (this.session && !this.session.broken) return this.session;
    this.session = undefined;
    const options = this.dataSource.options as PostgresConnectionOptions;
    // The data source's client class: statements are prepared where its own are.
    const Connection = ((options.extra as { Client?: typeof Client } | undefined)?.Client ?? Client) as new (config: ClientConfig) => Client;
    const client = new Connection({ connectionString: options.url, application_name: `${options.applicationName ?? 'jobledger'}-relay`, connectionTimeoutMillis: 5_000 });
    const session: Session = { client, leader: false, following: false, listening: false, broken: false };
    // A connection lost between rounds: the next round opens another.
    client.on('error', () => this.close(session));
    client.on('notification', () => this.kick());
    try {
      await client.connect();
    } catch (error) {
      this.close(session);
      throw error;
    }
    this.session = session;
    return session;
  }

  /** Any failed statement closes the connection, and the lock with it: no other code ever runs on it. */
  private async query(session: Session, sql: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    try {
      return (await session.client.query(sql, params)) as unknown as { rows: Record<string, unknown>[] };
    } catch (error) {
      this.close(session);
      throw error;
    }
  }

  private close(session: Session): void {
    if (session.broken) return;
    session.broken = true;
    if (session.leader) this.logger.warn('outbox relay lost its connection, and with it the lock; it reconnects', { outbox: this.lockKey });
    void session.client.end().catch(() => undefined);
  }
}
