import { randomUUID } from 'node:crypto';
import type { JobCommand } from '@jobledger/domain';
import { DomainError } from '@jobledger/domain';
import { decodeEvent } from '@jobledger/events';
import { isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { JobCommandHandler } from './job-command.handler';
import type { LoggedCommand } from './job-command.handler';

const t = (s: number) => `2026-11-21T10:00:${String(s).padStart(2, '0')}.000Z`;
const context = { actor: { kind: 'apiKey' as const, id: 'k1', role: 'operator' }, correlationId: 'req-1', causationId: 'req-1' };

/** A log of commands on several jobs, interleaved, with every path the single writer has. */
function commandLog(): LoggedCommand[] {
  const log: LoggedCommand[] = [];
  const add = (jobId: string, command: JobCommand, accountId = 'acct-a') => log.push({ accountId, jobId, command, source: { id: randomUUID(), context } });
  const submit = (jobId: string, runOn: string | null = null) => add(jobId, { type: 'SubmitJob', data: { ...submitted(jobId, runOn).data, priority: 3 } as never });
  submit('done');
  submit('forced');
  submit('quantum', 'quantum');
  add('done', { type: 'AssignJob', data: { worker: 'w1', workerGroup: 'default', at: t(1) } });
  add('forced', { type: 'AssignJob', data: { worker: 'w1', workerGroup: 'default', at: t(1) } });
  add('done', { type: 'StartJob', data: { worker: 'w1', at: t(2) } });
  add('done', { type: 'RequestSuspend', data: { at: t(3) } }); // applied: Running -> Suspending
  add('quantum', { type: 'AssignJob', data: { worker: 'q1', workerGroup: 'quantum', at: t(3) } });
  add('quantum', { type: 'StartJob', data: { worker: 'q1', at: t(4) } });
  add('quantum', { type: 'RequestStop', data: { at: t(5) } }); // refused: the group cannot cancel, recorded
  add('forced', { type: 'StartJob', data: { worker: 'w1', at: t(5) } });
  add('forced', { type: 'RemoveJob', data: { force: true, at: t(6) } }); // stop first, remove once final
  add('done', { type: 'ConfirmSuspend', data: { at: t(6) } });
  add('done', { type: 'RequestResume', data: { at: t(7) } });
  add('forced', { type: 'ConfirmStop', data: { at: t(7) } });
  add('done', { type: 'AssignJob', data: { worker: 'w2', workerGroup: 'default', at: t(8) } });
  add('done', { type: 'StartJob', data: { worker: 'w2', at: t(9) } });
  add('done', { type: 'CompleteJob', data: { result: { ok: true }, outputRecords: 2, at: t(10) } });
  add('done', { type: 'CompleteJob', data: { result: null, outputRecords: 0, at: t(11) } }); // a late report: refused, not recorded
  add('missing', { type: 'RequestStop', data: { at: t(11) } }); // no such job: refused, not recorded
  add('done', { type: 'RequestSuspend', data: { at: t(12) } }, 'acct-b'); // another account's job: not found
  log.push({ ...log[3] }); // a redelivered command: a duplicate
  return log;
}

describe('JobCommandHandler.runBatch against Postgres', () => {
  const one = testPlatformConfig('scheduling');
  const batched = testPlatformConfig('scheduling');
  let dbs: IsolatedDatabase[];

  beforeAll(async () => {
    dbs = [await isolatedDatabase(one, SCHEDULING_MIGRATIONS), await isolatedDatabase(batched, SCHEDULING_MIGRATIONS)];
    for (const db of dbs) {
      await db.dataSource.query(
        `INSERT INTO "${db.schema}".worker_groups (name, fair_share_seconds, rate_per_cpu_second, cancel_while_running, configured_at) VALUES ('quantum', 0, 0, false, now())`,
      );
    }
  });

  afterAll(() => Promise.all(dbs.map((db) => db.drop())));

  const jobs = (db: IsolatedDatabase) =>
    db.dataSource.query(
      `SELECT account_id, job_id, status, run_on, priority, submitted_at, worker, state, view, running_since, remove_when_final FROM "${db.schema}".jobs ORDER BY account_id, job_id`,
    );
  const events = async (db: IsolatedDatabase, topicPrefix: string) =>
    ((await db.dataSource.query(`SELECT topic, key, value FROM "${db.schema}".outbox ORDER BY id`)) as { topic: string; key: string; value: Buffer }[]).map((r) => {
      const { id: _id, ...envelope } = decodeEvent(r.value);
      return { topic: r.topic.slice(topicPrefix.length), key: r.key, envelope };
    });

  it('leaves the rows and the outbox exactly as running the commands one at a time does', async () => {
    const log = commandLog();
    // One at a time, as the consumer did before: run, and on a refusal recordRefusal.
    const single = new JobCommandHandler(dbs[0].dataSource, one);
    const seen = new Set<string>();
    for (const c of log) {
      if (seen.has(c.source.id)) continue; // the old path dropped it as a duplicate too
      seen.add(c.source.id);
      await single.run(c.accountId, c.jobId, c.command, c.source).catch(async (error: unknown) => {
        if (!(error instanceof DomainError)) throw error;
        await single.recordRefusal(c.accountId, c.jobId, c.command, error, c.source);
      });
    }
    // The same log in two batches, split in the middle of a job's commands.
    const batch = new JobCommandHandler(dbs[1].dataSource, batched);
    const outcomes = [...(await batch.runBatch(log.slice(0, 9))), ...(await batch.runBatch(log.slice(9)))];
    // Nothing raced them: both were written without a transaction.
    expect(batch.batches).toEqual({ unlocked: 2, locked: 0 });

    expect(outcomes.map((o) => (o.kind === 'refused' ? `refused:${o.error.code}:${o.recorded}` : o.kind))).toEqual([
      'applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'applied',
      'refused:JOB_CANNOT_BE_CANCELLED:true', 'applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'applied',
      expect.stringMatching(/^refused:.*:false$/), 'refused:JOB_NOT_FOUND:false', 'refused:JOB_NOT_FOUND:false', 'duplicate',
    ]);
    const [singleJobs, batchJobs] = [await jobs(dbs[0]), await jobs(dbs[1])];
    expect(batchJobs).toEqual(singleJobs);
    expect(batchJobs.every((r: { priority: number }) => r.priority === 3)).toBe(true);
    expect(batchJobs.map((r: { job_id: string; status: string }) => `${r.job_id}:${r.status}`)).toEqual(['done:Completed', 'forced:Stopped', 'quantum:Running']);
    expect(batchJobs.find((r: { job_id: string }) => r.job_id === 'quantum').running_since).toEqual(new Date(t(4)));
    expect(await events(dbs[1], batched.topicPrefix)).toEqual(await events(dbs[0], one.topicPrefix));
    expect((await events(dbs[1], batched.topicPrefix)).map((e) => `${e.key}:${e.envelope.type}`)).toContain('forced:JobRemoved');
  });

  it('loses no change made between its read and its write: the guarded write fails whole, and the batch is decided again on the true state', async () => {
    const handler = new JobCommandHandler(dbs[1].dataSource, batched);
    const other = new JobCommandHandler(dbs[1].dataSource, batched);
    const cmd = (jobId: string, command: JobCommand): LoggedCommand => ({ accountId: 'acct-a', jobId, command, source: { id: randomUUID(), context } });
    await handler.runBatch([cmd('race', { type: 'SubmitJob', data: submitted('race').data as never }), cmd('race', { type: 'AssignJob', data: { worker: 'w1', workerGroup: 'default', at: t(1) } })]);
    await handler.runBatch([cmd('race', { type: 'StartJob', data: { worker: 'w1', at: t(2) } })]);
    // A user's suspend request lands between the batch's read and its write.
    const decide = (handler as unknown as { decide: (...args: unknown[]) => Promise<unknown> }).decide.bind(handler);
    let raced = false;
    jest.spyOn(handler as unknown as { decide: (...args: unknown[]) => Promise<unknown> }, 'decide').mockImplementation(async (...args: unknown[]) => {
      if (!raced) {
        raced = true;
        await other.run('acct-a', 'race', { type: 'RequestSuspend', data: { at: t(3) } }, { context });
      }
      return decide(...args);
    });
    const before = { ...handler.batches };
    const outcomes = await handler.runBatch([cmd('race', { type: 'CompleteJob', data: { result: 1, outputRecords: 0, at: t(4) } }), cmd('new-one', { type: 'SubmitJob', data: submitted('new-one').data as never })]);
    expect(outcomes.map((o) => o.kind)).toEqual(['applied', 'applied']);
    expect(handler.batches).toEqual({ unlocked: before.unlocked, locked: before.locked + 1 });
    const types = (await events(dbs[1], batched.topicPrefix)).filter((e) => e.key === 'race').map((e) => e.envelope.type);
    // The suspend request is on the stream before the completion, once: nothing of the first try was written.
    expect(types).toEqual(['JobSubmitted', 'JobAssigned', 'JobStarted', 'JobSuspendRequested', 'JobCompleted']);
    const [row] = await dbs[1].dataSource.query(`SELECT status, state FROM "${dbs[1].schema}".jobs WHERE job_id = 'race'`);
    expect(row).toMatchObject({ status: 'Completed', state: { revision: 5 } });
    expect((await jobs(dbs[1])).filter((r: { job_id: string }) => r.job_id === 'new-one')).toHaveLength(1);
  });

  it('applies a command once when another consumer applies it between the read and the write (a rebalance)', async () => {
    const handler = new JobCommandHandler(dbs[1].dataSource, batched);
    const other = new JobCommandHandler(dbs[1].dataSource, batched);
    const submit: LoggedCommand = { accountId: 'acct-a', jobId: 'twice', command: { type: 'SubmitJob', data: submitted('twice').data as never }, source: { id: randomUUID(), context } };
    const decide = (handler as unknown as { decide: (...args: unknown[]) => Promise<unknown> }).decide.bind(handler);
    let raced = false;
    jest.spyOn(handler as unknown as { decide: (...args: unknown[]) => Promise<unknown> }, 'decide').mockImplementation(async (...args: unknown[]) => {
      if (!raced) {
        raced = true;
        expect(await other.runBatch([submit])).toEqual([{ kind: 'applied' }]);
      }
      return decide(...args);
    });
    expect(await handler.runBatch([submit])).toEqual([{ kind: 'duplicate' }]);
    expect(handler.batches.locked).toBe(1);
    const submittedTwice = (await events(dbs[1], batched.topicPrefix)).filter((e) => e.key === 'twice').map((e) => e.envelope.type);
    expect(submittedTwice).toEqual(['JobSubmitted']);
  });

  it('writes nothing when a command fails for a reason other than a refusal', async () => {
    const handler = new JobCommandHandler(dbs[1].dataSource, batched);
    const bad = { accountId: 'acct-a', jobId: 'never', command: { type: 'SubmitJob', data: { ...submitted('never').data, priority: 'high' } } as never, source: { id: randomUUID(), context } };
    const good = { accountId: 'acct-a', jobId: 'fine', command: { type: 'SubmitJob', data: submitted('fine').data } as never, source: { id: randomUUID(), context } };
    await expect(handler.runBatch([good, bad])).rejects.toThrow();
    expect((await jobs(dbs[1])).map((r: { job_id: string }) => r.job_id)).not.toContain('fine');
  });
});
