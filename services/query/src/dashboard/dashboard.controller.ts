import { Controller, Get, Query } from '@nestjs/common';
import { ApiError, CurrentPrincipal } from '@jobledger/platform';
import type { FieldProblem, Principal } from '@jobledger/platform';
import { StatusCountsReader } from './status-counts.reader';
import type { Bucket } from './status-counts.reader';

const PARAMS = ['from', 'to', 'bucket', 'runbook'];
const MAX_BUCKETS = 1000;
const HOUR_MS = 3600_000;

@Controller('v1/dashboard')
export class DashboardController {
  constructor(private readonly reader: StatusCountsReader) {}

  /** `from`/`to`: ISO-8601; by default the last 24 hours (bucket=hour) or 30 days (bucket=day). */
  @Get('status-counts')
  statusCounts(@Query() raw: Record<string, unknown>, @CurrentPrincipal() principal: Principal) {
    const problems: FieldProblem[] = [];
    const problem = (field: string, rule: string, message: string) => problems.push({ field, rule, message: `${field} ${message}` });
    for (const key of Object.keys(raw)) if (!PARAMS.includes(key)) problem(key, 'unknown', `is not a known parameter; allowed: ${PARAMS.join(', ')}`);
    const bucket = (raw.bucket ?? 'hour') as Bucket;
    if (bucket !== 'hour' && bucket !== 'day') problem('bucket', 'enum', 'must be hour or day');
    const time = (key: string, fallback: Date) => {
      if (raw[key] === undefined || raw[key] === '') return fallback;
      const value = new Date(String(raw[key]));
      if (Number.isNaN(value.getTime())) problem(key, 'format', 'must be an ISO-8601 time, e.g. 2026-11-21T00:00:00Z');
      return value;
    };
    const to = time('to', new Date());
    const from = time('from', new Date(to.getTime() - (bucket === 'day' ? 30 * 24 : 24) * HOUR_MS));
    const span = (to.getTime() - from.getTime()) / (bucket === 'day' ? 24 * HOUR_MS : HOUR_MS);
    if (problems.length === 0 && !(span > 0)) problem('from', 'range', 'must be before to');
    if (problems.length === 0 && span > MAX_BUCKETS) problem('from', 'range', `must be at most ${MAX_BUCKETS} ${bucket}s before to`);
    if (problems.length > 0) throw new ApiError('VALIDATION_FAILED', problems.map((p) => p.message).join('; '), problems);
    const runbook = typeof raw.runbook === 'string' && raw.runbook !== '' ? raw.runbook : undefined;
    return this.reader.counts(principal.accountId, bucket, from, to, runbook);
  }
}
