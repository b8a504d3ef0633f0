import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WORKER_GROUP_DEFAULTS, topicNames } from '@jobledger/events';
import type { WorkerGroupConfiguredData } from '@jobledger/events';
import { OutboxRelay, PLATFORM_CONFIG, appendToOutbox, quoteIdent, serviceSchema, stampEvents, toOutbound } from '@jobledger/platform';
import type { EventContext, PlatformConfig } from '@jobledger/platform';

export interface ConfigureWorkerGroup {
  name: string;
  fairShareSeconds?: number;
  ratePerCpuSecond?: number;
  cancelWhileRunning?: boolean;
}

/** Worker groups are platform resources, so their events belong to the `platform` account. */
export const PLATFORM_ACCOUNT = 'platform';

@Injectable()
export class ConfigureWorkerGroupHandler {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
  }

  /** Creates or updates the group; the row and its WorkerGroupConfigured event commit together. */
  async handle(command: ConfigureWorkerGroup, context: EventContext): Promise<{ group: WorkerGroupConfiguredData; created: boolean }> {
    const result = await this.dataSource.transaction(async (manager) => {
      const [existing] = await manager.query(`SELECT fair_share_seconds, rate_per_cpu_second, cancel_while_running FROM ${this.schema}.worker_groups WHERE name = $1 FOR UPDATE`, [command.name]);
      const group: WorkerGroupConfiguredData = {
        name: command.name,
        fairShareSeconds: command.fairShareSeconds ?? existing?.fair_share_seconds ?? WORKER_GROUP_DEFAULTS.fairShareSeconds,
        ratePerCpuSecond: command.ratePerCpuSecond ?? existing?.rate_per_cpu_second ?? WORKER_GROUP_DEFAULTS.ratePerCpuSecond,
        cancelWhileRunning: command.cancelWhileRunning ?? existing?.cancel_while_running ?? WORKER_GROUP_DEFAULTS.cancelWhileRunning,
        at: new Date().toISOString(),
      };
      await manager.query(
        `INSERT INTO ${this.schema}.worker_groups (name, fair_share_seconds, rate_per_cpu_second, cancel_while_running, updated_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET fair_share_seconds = EXCLUDED.fair_share_seconds, rate_per_cpu_second = EXCLUDED.rate_per_cpu_second,
           cancel_while_running = EXCLUDED.cancel_while_running, updated_at = EXCLUDED.updated_at`,
        [group.name, group.fairShareSeconds, group.ratePerCpuSecond, group.cancelWhileRunning, group.at],
      );
      const envelopes = stampEvents([{ type: 'WorkerGroupConfigured', data: group }], context, PLATFORM_ACCOUNT);
      await appendToOutbox(manager, this.schema, envelopes.map((e) => toOutbound(e, topicNames(this.config.topicPrefix))));
      return { group, created: !existing };
    });
    this.relay.kick();
    return result;
  }
}
