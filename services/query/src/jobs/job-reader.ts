import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { JobView, OutputRecord, StreamName } from '@jobledger/events';
import { ApiError } from '@jobledger/platform';
import { QueryProjector } from '../projection/query.projector';

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
