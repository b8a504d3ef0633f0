import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobView, OutputRecord, StreamName } from '@jobledger/events';
import { ApiError } from '@jobledger/platform';
import { QueryProjector } from '../projection/query.projector';

export interface RunbookSource {
  runbook: string;
  version: number;
  runtime: string;
  sha256: string;
  source: string;
}

@Injectable()
export class JobReader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projector: QueryProjector,
  ) {}

  async job(accountId: string, id: string): Promise<JobView> {
    const [row] = await this.dataSource.query(`SELECT view, output_count FROM ${this.projector.schema}.jobs WHERE account_id = $1 AND id = $2`, [accountId, id]);
    if (!row) throw new ApiError('JOB_NOT_FOUND', `job "${id}" was not found in this account`, { id });
    return row.view;
  }

  /** The exact runbook version the job ran, even after newer versions were published. */
  async source(accountId: string, id: string): Promise<RunbookSource> {
    const job = await this.job(accountId, id);
    const [row] = await this.dataSource.query(
      `SELECT name, version, runtime, sha256, source FROM ${this.projector.schema}.runbook_versions WHERE account_id = $1 AND name = $2 AND version = $3`,
      [accountId, job.runbook, job.runbookVersion],
    );
    if (!row) {
      throw new ApiError('SERVICE_UNAVAILABLE', `the source of ${job.runbook} v${job.runbookVersion} is not projected yet; retry shortly`, { runbook: job.runbook, version: job.runbookVersion });
    }
    return { runbook: row.name, version: row.version, runtime: row.runtime, sha256: row.sha256.trim(), source: row.source };
  }

  async output(accountId: string, jobId: string, after: number, streams: StreamName[], limit: number): Promise<OutputRecord[]> {
    const rows = await this.dataSource.query(
      `SELECT seq, stream, time, value FROM ${this.projector.schema}.job_output
       WHERE account_id = $1 AND job_id = $2 AND seq > $3 AND (cardinality($4::text[]) = 0 OR stream = ANY($4::text[]))
       ORDER BY seq LIMIT $5`,
      [accountId, jobId, after, streams, limit],
    );
    return rows.map((r: { seq: number; stream: StreamName; time: Date; value: unknown }) => ({ seq: r.seq, stream: r.stream, time: r.time.toISOString(), value: r.value }));
  }
}
