import { Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { Infrastructure, JsonLogger, retryUntilDone } from '@jobledger/platform';
import { jobChangesChannel } from '@jobledger/read-model';
import { QueryProjector } from '../projection/query.projector';

/** How long the connection keeps listening after the last waiter and watcher left: short waits one after another do not LISTEN and UNLISTEN each time. */
export const UNLISTEN_AFTER_MS = 10_000;

/**
 * Wakes waiting requests when their job changes. The projector NOTIFYs on commit; one LISTEN
 * connection per process fans the notifications out. It listens only while a request waits or a
 * stream watches (and `unlistenAfterMs` after): a listening session is woken by every NOTIFY of the
 * channel — one per commit of the projection — which costs Postgres and this process a wake-up
 * each, for nothing when nobody waits. When it starts listening it wakes every waiter, so one that
 * read its job before the LISTEN took effect looks again; a stream says it is ready once the
 * LISTEN took effect (`whenListening`). Waiters also wake on their own after a while, so a missed
 * notification (a reconnect) delays an answer but never loses it.
 */
@Injectable()
export class JobWaiter implements OnApplicationShutdown {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly watchers = new Map<string, Set<(jobId: string) => void>>();
  private client: PoolClient | undefined;
  /** Resolves once the connection listens; undefined while it does not and is not about to. */
  private listening: Promise<void> | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** A `listen` is under way: it connects again by itself when its connection fails. */
  private starting = false;
  private closed = false;
  unlistenAfterMs = UNLISTEN_AFTER_MS;

  constructor(
    private readonly dataSource: DataSource,
    private readonly projector: QueryProjector,
    private readonly logger: JsonLogger,
    private readonly infra: Infrastructure,
  ) {}

  /** Resolves when the job changes, or after `ms`, whichever comes first. */
  changed(accountId: string, jobId: string, ms: number): Promise<void> {
    const key = JSON.stringify([accountId, jobId]);
    const promise = new Promise<void>((resolve) => {
      const set = this.waiters.get(key) ?? new Set();
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(key);
        this.idleSoon();
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      this.waiters.set(key, set);
    });
    this.whenListening().catch(() => undefined); // logged by listen(); this waiter rechecks on its own
    return promise;
  }

  /** Calls `onChange` with the id of every job of the account that changes, until unsubscribed. See `whenListening`. */
  watch(accountId: string, onChange: (jobId: string) => void): () => void {
    const set = this.watchers.get(accountId) ?? new Set();
    set.add(onChange);
    this.watchers.set(accountId, set);
    this.whenListening().catch(() => undefined); // logged by listen()
    return () => {
      set.delete(onChange);
      if (set.size === 0) this.watchers.delete(accountId);
      this.idleSoon();
    };
  }

  /** Resolves once the connection listens: every change committed from then on reaches the waiters and watchers. */
  whenListening(): Promise<void> {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.listening ??= this.listen();
    return this.listening;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.client?.release(true);
  }

  private anyoneWaits(): boolean {
    return this.waiters.size > 0 || this.watchers.size > 0;
  }

  /** The last waiter or watcher left: stop listening a while later, unless another comes. */
  private idleSoon(): void {
    if (this.anyoneWaits() || this.idleTimer || !this.listening) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.anyoneWaits() || !this.listening) return;
      this.listening = undefined;
      // A later LISTEN queues behind this on the same connection.
      this.client?.query(`UNLISTEN ${this.channel()}`).catch(() => undefined);
    }, this.unlistenAfterMs);
    this.idleTimer.unref();
  }

  private channel(): string {
    return `"${jobChangesChannel(this.projector.schema)}"`;
  }

  private async listen(): Promise<void> {
    this.starting = true;
    try {
      await this.infra.whenReady();
      const log = (message: string, fields: Record<string, unknown>) => this.logger.warn(message, fields);
      await retryUntilDone(
        'listening for job changes',
        async () => {
          const client = this.client ?? (await this.connect());
          await client.query(`LISTEN ${this.channel()}`);
        },
        log,
      );
    } catch (error) {
      // Only what no retry fixes ends up here; the next waiter tries again, and waiters recheck on their own meanwhile.
      this.logger.error('could not listen for job changes', { error: (error as Error).message });
      this.listening = undefined;
      throw error;
    } finally {
      this.starting = false;
    }
    // A waiter that read its job before the LISTEN took effect may have missed its change: it looks again.
    for (const set of [...this.waiters.values()]) for (const wake of [...set]) wake();
  }

  private async connect(): Promise<PoolClient> {
    const driver = this.dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } };
    const client = await driver.master.connect();
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      for (const wake of [...(this.waiters.get(payload) ?? [])]) wake();
      const [accountId, jobId] = JSON.parse(payload) as [string, string];
      for (const onChange of [...(this.watchers.get(accountId) ?? [])]) onChange(jobId);
    });
    client.on('error', (error) => {
      this.logger.warn('job-change listener lost its connection; reconnecting', { error: error.message });
      client.release(true);
      if (this.client === client) this.client = undefined;
      if (this.starting) return;
      this.listening = undefined;
      if (!this.closed && this.anyoneWaits()) this.whenListening().catch(() => undefined);
    });
    this.client = client;
    return client;
  }
}
