import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { JOB_STATUSES } from '@jobledger/domain';
import type { JobStatus } from '@jobledger/domain';
import { QueryProjector } from '../projection/query.projector';

export type Bucket = 'hour' | 'day';

export interface StatusCounts {
  bucket: Bucket;
  series: { start: string; counts: Record<JobStatus, number> }[];
}

/** The Automation Dashboard graph: per bucket, how many jobs entered each status (from the events). */
@Injectable()
export class StatusCountsReader {
  private readonly s: string;

  constructor(
    private readonly dataSource: DataSource,
    projector: QueryProjector,
  ) {
    this.s = projector.schema;
  }

  async counts(accountId: string, bucket: Bucket, from: Date, to: Date, runbook: string | undefined): Promise<StatusCounts> {
    // Buckets are UTC hours or days, whatever the server's time zone.
    const rows: { start: string; status: JobStatus | null; n: number }[] = await this.dataSource.query(
      `SELECT to_char(b.start, 'YYYY-MM-DD"T"HH24:MI:SS".000Z"') AS start, e.status, COUNT(e.event_id)::int AS n
       FROM generate_series(
         date_trunc($2, $3::timestamptz AT TIME ZONE 'UTC'),
         ($4::timestamptz AT TIME ZONE 'UTC') - interval '1 microsecond',
         ('1 ' || $2)::interval
       ) AS b(start)
       LEFT JOIN ${this.s}.status_entries e
         ON e.account_id = $1 AND date_trunc($2, e.entered_at AT TIME ZONE 'UTC') = b.start
         AND e.entered_at >= $3 AND e.entered_at < $4 AND ($5::text IS NULL OR e.runbook = $5)
       GROUP BY b.start, e.status ORDER BY b.start`,
      [accountId, bucket, from.toISOString(), to.toISOString(), runbook ?? null],
    );
    const series = new Map<string, Record<JobStatus, number>>();
    for (const row of rows) {
      const start = row.start;
      const counts = series.get(start) ?? (Object.fromEntries(JOB_STATUSES.map((s) => [s, 0])) as Record<JobStatus, number>);
      if (row.status) counts[row.status] += row.n;
      series.set(start, counts);
    }
    return { bucket, series: [...series].map(([start, counts]) => ({ start, counts })) };
  }
}
