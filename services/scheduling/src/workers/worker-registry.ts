import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { WorkerGroupConfiguredData, WorkerHeartbeatData } from '@jobledger/events';
import { PLATFORM_CONFIG, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { DecodedEvent, PlatformConfig } from '@jobledger/platform';

export interface WorkerRow {
  worker_id: string;
  group_name: string;
  slots: number;
  running: string[];
  started_at: string;
  last_seen: string;
  stopped: boolean;
}

export interface WorkerGroupRow {
  name: string;
  fair_share_seconds: number | null;
  rate_per_cpu_second: number | null;
  cancel_while_running: boolean | null;
  configured_at: Date | null;
}

/** Which workers live, from their heartbeats. A later heartbeat never loses to an earlier one. */
@Injectable()
export class WorkerRegistry {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
  }

  async record(events: DecodedEvent[]): Promise<void> {
    for (const { envelope } of events) {
      if (envelope.type === 'WorkerHeartbeat') {
        const d = envelope.data as WorkerHeartbeatData;
        await this.dataSource.query(
          `INSERT INTO ${this.schema}.workers (worker_id, group_name, slots, running, started_at, last_seen, stopped)
           VALUES ($1, $2, $3, $4, $5, $6, false)
           ON CONFLICT (worker_id) DO UPDATE SET group_name = EXCLUDED.group_name, slots = EXCLUDED.slots, running = EXCLUDED.running,
             last_seen = EXCLUDED.last_seen, stopped = false
           WHERE ${this.schema}.workers.last_seen <= EXCLUDED.last_seen`,
          [d.workerId, d.group, d.slots, JSON.stringify(d.running), d.startedAt, d.at],
        );
      } else if (envelope.type === 'WorkerGroupConfigured') {
        const d = envelope.data as WorkerGroupConfiguredData;
        await this.dataSource.query(
          `INSERT INTO ${this.schema}.worker_groups (name, fair_share_seconds, rate_per_cpu_second, cancel_while_running, configured_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (name) DO UPDATE SET fair_share_seconds = EXCLUDED.fair_share_seconds, rate_per_cpu_second = EXCLUDED.rate_per_cpu_second,
             cancel_while_running = EXCLUDED.cancel_while_running, configured_at = EXCLUDED.configured_at
           WHERE ${this.schema}.worker_groups.configured_at <= EXCLUDED.configured_at`,
          [d.name, d.fairShareSeconds, d.ratePerCpuSecond, d.cancelWhileRunning, d.at],
        );
      } else if (envelope.type === 'WorkerStopped') {
        const d = envelope.data as { workerId: string };
        await this.dataSource.query(`UPDATE ${this.schema}.workers SET stopped = true WHERE worker_id = $1`, [d.workerId]);
      }
    }
  }

  /** Configured groups, and groups that only have workers (with the default settings). */
  async groups(): Promise<WorkerGroupRow[]> {
    return this.dataSource.query(
      `SELECT COALESCE(g.name, w.group_name) AS name, g.fair_share_seconds, g.rate_per_cpu_second, g.cancel_while_running, g.configured_at
       FROM ${this.schema}.worker_groups g FULL JOIN (SELECT DISTINCT group_name FROM ${this.schema}.workers) w ON w.group_name = g.name
       ORDER BY 1`,
    );
  }

  async list(): Promise<WorkerRow[]> {
    return this.dataSource.query(`SELECT * FROM ${this.schema}.workers ORDER BY group_name, worker_id`);
  }
}
