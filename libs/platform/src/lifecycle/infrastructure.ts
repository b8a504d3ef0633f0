import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { EventBus, TopicAdmin } from '@jobledger/kafka';
import type { DataSource } from 'typeorm';
import type { PlatformConfig } from '../config/platform-config';
import { runMigrations } from '../db/data-source';
import type { JsonLogger } from '../logging/json-logger';
import { retryUntilDone } from './retry';

export interface CheckResult {
  ok: boolean;
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, CheckResult>;
}

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Owns the service's connections to Postgres and Kafka. Start-up never crashes for want of
 * them: it retries until they answer, and `/readyz` says what is missing meanwhile.
 * Background work waits for `whenReady()`.
 */
export class Infrastructure implements OnApplicationBootstrap, OnApplicationShutdown {
  private admin: TopicAdmin | undefined;
  private started = false;
  private readonly abort = new AbortController();
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    readonly config: PlatformConfig,
    readonly dataSource: DataSource,
    readonly bus: EventBus,
    private readonly logger: JsonLogger,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  onApplicationBootstrap(): void {
    void this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.admin?.disconnect().catch(() => undefined);
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  async readiness(): Promise<ReadinessReport> {
    const [postgres, kafka] = await Promise.all([this.check(() => this.pingPostgres()), this.check(() => this.pingKafka())]);
    const startup: CheckResult = this.started ? { ok: true } : { ok: false, error: 'still starting (connecting, migrating)' };
    return { ready: postgres.ok && kafka.ok && startup.ok, checks: { postgres, kafka, startup } };
  }

  private async connect(): Promise<void> {
    const log = (message: string, fields: Record<string, unknown>) => this.logger.warn(message, fields);
    await retryUntilDone('connecting to Postgres', () => this.dataSource.initialize(), log, this.abort.signal);
    if (this.config.migrationsRun) {
      const applied = await retryUntilDone('running migrations', () => runMigrations(this.dataSource), log, this.abort.signal);
      if (applied.length > 0) this.logger.info('migrations applied', { applied });
    }
    this.admin = await retryUntilDone('connecting to Kafka', () => this.bus.admin(), log, this.abort.signal);
    this.started = true;
    this.logger.info('connected to Postgres and Kafka');
    this.markReady();
  }

  private async pingPostgres(): Promise<void> {
    if (!this.dataSource.isInitialized) throw new Error('not connected yet');
    await this.dataSource.query('SELECT 1');
  }

  private async pingKafka(): Promise<void> {
    if (!this.admin) throw new Error('not connected yet');
    await this.admin.ping(CHECK_TIMEOUT_MS);
  }

  private async check(probe: () => Promise<void>): Promise<CheckResult> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        probe(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
      ]);
      return { ok: true };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
