import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { decide, initialState } from '@jobledger/domain';
import type { JobEventData, RunbookRuntime } from '@jobledger/domain';
import { topicNames } from '@jobledger/events';
import type { JobView, TopicNames } from '@jobledger/events';
import type { OutboundMessage } from '@jobledger/kafka';
import { ApiError, GroupCommit, OutboxRelay, PLATFORM_CONFIG, commandMessage, jobKey, outboxColumns, pgArray, quoteIdent, serviceSchema } from '@jobledger/platform';
import type { EventContext, Outcome, PlatformConfig } from '@jobledger/platform';
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

/** A submission waiting for its group's write. */
interface Submission {
  accountId: string;
  body: SubmitJobBody;
  jobId: string;
  requestHash: string;
  context: EventContext;
  at: string;
}

/** A submission the domain accepted, with the job as submitted and its SubmitJob command. */
interface Accepted {
  index: number;
  submission: Submission;
  submitted: JobEventData<'JobSubmitted'>;
  command: OutboundMessage;
}

interface WrittenRow {
  n: number;
  created: boolean;
  request_hash: string | null;
  submitted: JobEventData<'JobSubmitted'> | null;
  view: JobView | null;
}

/** At most this many submissions are written by one statement. */
export const MAX_SUBMISSIONS_PER_WRITE = 200;

/**
 * Takes in jobs. Concurrent submissions are written as a group (GroupCommit): one statement
 * finds their runbook versions, one inserts the new jobs with their SubmitJob commands in the
 * outbox — a single statement, so a job and its command commit together or not at all — and
 * returns the rows that were there already, so a reused id is answered from the same round trip.
 */
@Injectable()
export class SubmitJobHandler {
  private readonly schema: string;
  private readonly topics: TopicNames;
  private readonly submissions: GroupCommit<Submission, SubmitJobResult>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly relay: OutboxRelay,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.schema = quoteIdent(serviceSchema(config));
    this.topics = topicNames(config.topicPrefix);
    this.submissions = new GroupCommit((group) => this.write(group), {
      maxGroup: MAX_SUBMISSIONS_PER_WRITE,
      keyOf: (s) => jobKey(s.accountId, s.jobId),
    });
  }

  handle(accountId: string, body: SubmitJobBody, context: EventContext): Promise<SubmitJobResult> {
    const jobId = (body.id as string | undefined) ?? randomUUID();
    const requestHash = createHash('sha256').update(canonicalJson(body)).digest('hex');
    return this.submissions.submit({ accountId, body, jobId, requestHash, context, at: new Date().toISOString() });
  }

  private async write(group: Submission[]): Promise<Outcome<SubmitJobResult>[]> {
    const outcomes: Outcome<SubmitJobResult>[] = new Array(group.length);
    const runbooks = await this.findRunbooks(group);
    const accepted: Accepted[] = [];
    group.forEach((submission, index) => {
      try {
        const submitted = this.submitted(submission, runbooks[index]);
        const command = commandMessage({ type: 'SubmitJob', data: submitted }, submission.context, submission.accountId, submission.jobId, this.topics);
        accepted.push({ index, submission, submitted, command });
      } catch (error) {
        outcomes[index] = { error };
      }
    });
    if (accepted.length === 0) return outcomes;
    const rows = await this.insert(accepted);
    if (rows.some((row) => row.created)) this.relay.kick();
    const unseen: Accepted[] = [];
    rows.forEach((row, i) => {
      const { index, submission, submitted } = accepted[i];
      if (row.created) outcomes[index] = { value: { job: submittedJobView(submitted), created: true } };
      else if (row.request_hash === null) unseen.push(accepted[i]);
      else outcomes[index] = this.existing(submission, row);
    });
    // A conflicting row committed while the statement ran is not in its snapshot: read it now.
    // The new jobs are written; a failure here is only these submissions' own.
    for (const { index, submission } of unseen) {
      try {
        const [row] = await this.dataSource.query(`SELECT request_hash, submitted, view FROM ${this.schema}.jobs WHERE account_id = $1 AND id = $2`, [
          submission.accountId,
          submission.jobId,
        ]);
        outcomes[index] = this.existing(submission, row);
      } catch (error) {
        outcomes[index] = { error };
      }
    }
    return outcomes;
  }

  /** The job as submitted; throws what the domain refuses before anything is written (scheduling decides it again). */
  private submitted(submission: Submission, runbook: RunbookRow | undefined): JobEventData<'JobSubmitted'> {
    const { accountId, body, jobId, at } = submission;
    const version = body.version as number | undefined;
    if (!runbook) {
      const what = version === undefined ? `runbook "${body.runbook}"` : `version ${version} of runbook "${body.runbook}"`;
      throw new ApiError('RUNBOOK_NOT_FOUND', `${what} does not exist in this account; publish it with POST /v1/runbooks`, { runbook: body.runbook, version: version ?? null });
    }
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
      at,
    };
    decide({ type: 'SubmitJob', data: submitted }, initialState());
    return submitted;
  }

  /** The same id again: the job as it is now (folded from job-events), or as submitted while that has not caught up; another body is a conflict. */
  private existing(submission: Submission, row: Pick<WrittenRow, 'request_hash' | 'submitted' | 'view'>): Outcome<SubmitJobResult> {
    if (row.request_hash !== submission.requestHash) {
      const id = submission.jobId;
      return { error: new ApiError('JOB_ID_CONFLICT', `a job with id "${id}" already exists with a different body; choose another id, or resend the same body to get the existing job`, { id }) };
    }
    return { value: { job: row.view ?? submittedJobView(row.submitted as JobEventData<'JobSubmitted'>), created: false } };
  }

  /** Each submission's runbook version (the one it names, or the latest), in one statement. */
  private async findRunbooks(group: Submission[]): Promise<(RunbookRow | undefined)[]> {
    const rows: (RunbookRow & { n: number })[] = await this.dataSource.query(
      `SELECT q.n::int AS n, v.version, v.runtime, v.sha256, v.run_on
         FROM unnest($1::text[], $2::text[], $3::int[]) WITH ORDINALITY AS q(account_id, name, version, n)
         CROSS JOIN LATERAL (SELECT r.version, r.runtime, r.sha256, r.run_on FROM ${this.schema}.runbook_versions r
                              WHERE r.account_id = q.account_id AND r.name = q.name AND (q.version IS NULL OR r.version = q.version)
                              ORDER BY r.version DESC LIMIT 1) v`,
      [pgArray(group.map((s) => s.accountId)), pgArray(group.map((s) => s.body.runbook)), pgArray(group.map((s) => (s.body.version as number | undefined) ?? null))],
    );
    const found: (RunbookRow | undefined)[] = new Array(group.length);
    for (const { n, ...runbook } of rows) found[n - 1] = runbook;
    return found;
  }

  /** Inserts the jobs whose ids are new and their commands; answers, in order, whether each was new and, if not, the row that was there. */
  private async insert(accepted: Accepted[]): Promise<WrittenRow[]> {
    const s = this.schema;
    return this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bytea[], $9::text[]) WITH ORDINALITY
           AS i(account_id, id, request_hash, submitted, created_at, topic, key, value, headers, n)
       ), inserted AS (
         INSERT INTO ${s}.jobs (account_id, id, request_hash, submitted, created_at)
         SELECT account_id, id, request_hash, submitted::jsonb, created_at::timestamptz FROM input ORDER BY n
         ON CONFLICT (account_id, id) DO NOTHING RETURNING account_id, id
       ), relayed AS (
         INSERT INTO ${s}.outbox (topic, key, value, headers)
         SELECT i.topic, i.key, i.value, i.headers::jsonb FROM input i JOIN inserted USING (account_id, id) ORDER BY i.n
       )
       SELECT i.n::int AS n, ins.id IS NOT NULL AS created, j.request_hash, j.submitted, j.view
         FROM input i LEFT JOIN inserted ins USING (account_id, id)
         LEFT JOIN LATERAL (
           SELECT request_hash, submitted, view FROM ${s}.jobs WHERE ins.id IS NULL AND account_id = i.account_id AND id = i.id LIMIT 1
         ) j ON true
        ORDER BY i.n`,
      [
        pgArray(accepted.map((a) => a.submission.accountId)),
        pgArray(accepted.map((a) => a.submission.jobId)),
        pgArray(accepted.map((a) => a.submission.requestHash)),
        pgArray(accepted.map((a) => JSON.stringify(a.submitted))),
        pgArray(accepted.map((a) => a.submitted.at)),
        ...outboxColumns(accepted.map((a) => a.command)),
      ],
    );
  }
}
