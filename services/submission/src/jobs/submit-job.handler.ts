import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { decide, initialState } from '@jobledger/domain';
import type { JobEventData, RunbookRuntime } from '@jobledger/domain';
import { topicNames } from '@jobledger/events';
import type { JobView } from '@jobledger/events';
import { ApiError, OutboxRelay, PLATFORM_CONFIG, appendToOutbox, commandMessage, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { EventContext, PlatformConfig } from '@jobledger/platform';
import { canonicalJson } from './canonical-json';
import { submittedJobView } from './job-view';
import type { submitJobRequest } from './submit-job.request';

type SubmitJobBody = { [K in keyof typeof submitJobRequest]?: unknown } & { runbook: string };

export interface SubmitJobResult {
  job: JobView;
  /** false when the same id and body were submitted before: the existing job is returned. */
  created: boolean;
}

interface RunbookRow {
  version: number;
  runtime: RunbookRuntime;
  sha256: string;
  run_on: string | null;
}

@Injectable()
export class SubmitJobHandler {
  private readonly schema: string;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
  }

  async handle(accountId: string, body: SubmitJobBody, context: EventContext): Promise<SubmitJobResult> {
    const runbook = await this.findRunbook(accountId, body.runbook, body.version as number | undefined);
    const jobId = (body.id as string | undefined) ?? randomUUID();
    const requestHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    const submitted: JobEventData<'JobSubmitted'> = {
      jobId,
      accountId,
      name: (body.name as string | undefined) ?? body.runbook,
      runbook: { name: body.runbook, version: runbook.version, sha256: runbook.sha256, runtime: runbook.runtime },
      parameters: (body.parameters as Record<string, unknown> | undefined) ?? {},
      runOn: (body.runOn as string | undefined) ?? runbook.run_on,
      priority: (body.priority as number | undefined) ?? 0,
      tags: (body.tags as string[] | undefined) ?? [],
      errorAction: (body.errorAction as 'continue' | 'stop' | undefined) ?? 'continue',
      at: new Date().toISOString(),
    };
    // Refuses a submission the domain would refuse before anything is written; the job's
    // single writer (scheduling) decides it again and writes JobSubmitted.
    decide({ type: 'SubmitJob', data: submitted }, initialState());
    const result = await this.dataSource.transaction(async (manager): Promise<SubmitJobResult> => {
      const inserted = await manager.query(
        `INSERT INTO ${this.schema}.jobs (account_id, id, request_hash, submitted, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (account_id, id) DO NOTHING RETURNING id`,
        [accountId, jobId, requestHash, JSON.stringify(submitted), submitted.at],
      );
      if (inserted.length === 0) return this.existing(manager, accountId, jobId, requestHash);
      const command = commandMessage({ type: 'SubmitJob', data: submitted }, context, accountId, jobId, topicNames(this.config.topicPrefix));
      await appendToOutbox(manager, this.schema, [command]);
      return { job: submittedJobView(submitted), created: true };
    });
    if (result.created) this.relay.kick();
    return result;
  }

  private async existing(
    manager: { query: DataSource['query'] },
    accountId: string,
    jobId: string,
    requestHash: string,
  ): Promise<SubmitJobResult> {
    const [row] = await manager.query(`SELECT request_hash, submitted, view FROM ${this.schema}.jobs WHERE account_id = $1 AND id = $2`, [accountId, jobId]);
    if (row.request_hash !== requestHash) {
      throw new ApiError('JOB_ID_CONFLICT', `a job with id "${jobId}" already exists with a different body; choose another id, or resend the same body to get the existing job`, { id: jobId });
    }
    // The job as it is now (folded from job-events), or as submitted while that has not caught up.
    return { job: row.view ?? submittedJobView(row.submitted), created: false };
  }

  private async findRunbook(accountId: string, name: string, version: number | undefined): Promise<RunbookRow> {
    const rows: RunbookRow[] = await this.dataSource.query(
      `SELECT version, runtime, sha256, run_on FROM ${this.schema}.runbook_versions
       WHERE account_id = $1 AND name = $2 AND ($3::int IS NULL OR version = $3) ORDER BY version DESC LIMIT 1`,
      [accountId, name, version ?? null],
    );
    if (rows[0]) return rows[0];
    const what = version === undefined ? `runbook "${name}"` : `version ${version} of runbook "${name}"`;
    throw new ApiError('RUNBOOK_NOT_FOUND', `${what} does not exist in this account; publish it with POST /v1/runbooks`, { runbook: name, version: version ?? null });
  }
}
