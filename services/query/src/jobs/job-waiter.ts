import { Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { Infrastructure, JsonLogger, retryUntilDone } from '@jobledger/platform';
import { jobChangesChannel } from '@jobledger/read-model';
import { QueryProjector } from '../projection/query.projector';

/**
 * Wakes waiting requests when their job changes. The projector NOTIFYs on commit; one LISTEN
 * connection per process fans the notifications out. Waiters also wake on their own after a
 * while, so a missed notification (a reconnect) delays an answer but never loses it.
 */
@Injectable()
export class JobWaiter implements OnApplicationShutdown {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly watchers = new Map<string, Set<(jobId: string) => void>>();
  private client: PoolClient | undefined;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly projector: QueryProjector,
    private readonly logger: JsonLogger,
    infra: Infrastructure,
  ) {
    void infra.whenReady().then(() => this.listen());
  }

  /** Resolves when the job changes, or after `ms`, whichever comes first. */
  changed(accountId: string, jobId: string, ms: number): Promise<void> {
    const key = JSON.stringify([accountId, jobId]);
    return new Promise((resolve) => {
      const set = this.waiters.get(key) ?? new Set();
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      this.waiters.set(key, set);
    });
  }

  /** Calls `onChange` with the id of every job of the account that changes, until unsubscribed. */
  watch(accountId: string, onChange: (jobId: string) => void): () => void {
    const set = this.watchers.get(accountId) ?? new Set();
    set.add(onChange);
    this.watchers.set(accountId, set);
    return () => {
      set.delete(onChange);
      if (set.size === 0) this.watchers.delete(accountId);
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.client?.release(true);
  }

  private async listen(): Promise<void> {
    const log = (message: string, fields: Record<string, unknown>) => this.logger.warn(message, fields);
    const driver = this.dataSource.driver as unknown as { master: { connect(): Promise<PoolClient> } };
    const client = await retryUntilDone('listening for job changes', () => driver.master.connect(), log);
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      for (const wake of [...(this.waiters.get(payload) ?? [])]) wake();
      const [accountId, jobId] = JSON.parse(payload) as [string, string];
      for (const onChange of [...(this.watchers.get(accountId) ?? [])]) onChange(jobId);
    });
    client.on('error', (error) => {
      this.logger.warn('job-change listener lost its connection; reconnecting', { error: error.message });
      client.release(true);
      if (!this.closed) void this.listen();
    });
    await client.query(`LISTEN "${jobChangesChannel(this.projector.schema)}"`);
    this.client = client;
  }
}
