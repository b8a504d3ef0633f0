import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { QueryProjector } from '../projection/query.projector';

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

/** Workers and worker groups as projected from the worker events. Platform resources: every account sees them. */
@Injectable()
export class WorkerReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projector: QueryProjector,
  ) {}

  /** Configured groups, and groups that only have workers (with the default settings). */
  async groups(): Promise<WorkerGroupRow[]> {
    const s = this.projector.schema;
    return this.dataSource.query(
      `SELECT COALESCE(g.name, w.group_name) AS name, g.fair_share_seconds, g.rate_per_cpu_second, g.cancel_while_running, g.configured_at
       FROM ${s}.worker_groups g FULL JOIN (SELECT DISTINCT group_name FROM ${s}.workers) w ON w.group_name = g.name
       ORDER BY 1`,
    );
  }

  async list(): Promise<WorkerRow[]> {
    return this.dataSource.query(`SELECT * FROM ${this.projector.schema}.workers ORDER BY group_name, worker_id`);
  }
}
