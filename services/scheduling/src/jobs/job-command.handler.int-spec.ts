import { randomUUID } from 'node:crypto';
import { DomainError } from '@jobledger/domain';
import type { JobCommand } from '@jobledger/domain';
import { decodeEvent } from '@jobledger/events';
import { isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { SCHEDULING_MIGRATIONS } from '../migrations';
import { JobCommandHandler } from './job-command.handler';

const at = '2026-11-21T10:00:00.000Z';
const context = { actor: { kind: 'apiKey' as const, id: 'k1', role: 'operator' }, correlationId: 'req-1', causationId: 'req-1' };

describe('JobCommandHandler against Postgres', () => {
  const config = testPlatformConfig('scheduling');
  let db: IsolatedDatabase;
  let handler: JobCommandHandler;

  beforeAll(async () => {
    db = await isolatedDatabase(config, SCHEDULING_MIGRATIONS);
    handler = new JobCommandHandler(db.dataSource, config);
  });

  afterAll(() => db.drop());

  const outbox = async (jobId: string) =>
    (await db.dataSource.query(`SELECT value FROM ${handler.schema}.outbox ORDER BY id`))
      .map((r: { value: Buffer }) => decodeEvent(r.value))
      .filter((e: { jobId?: string }) => e.jobId === jobId);

  const submit = (jobId: string) => handler.run('acct-a', jobId, { type: 'SubmitJob', data: submitted(jobId).data as never }, { id: randomUUID(), context });

  it('writes JobSubmitted with the caller as actor, and the job’s view', async () => {
    const result = await submit('j-new');
    expect(result.view).toMatchObject({ id: 'j-new', status: 'Queued' });
    expect(await outbox('j-new')).toEqual([expect.objectContaining({ type: 'JobSubmitted', actor: context.actor, correlationId: 'req-1' })]);
  });

  it('is idempotent when the same command is delivered twice', async () => {
    await submit('j-twice');
    const stop: JobCommand = { type: 'RequestStop', data: { at } };
    const source = { id: randomUUID(), context };
    const first = await handler.run('acct-a', 'j-twice', stop, source);
    const again = await handler.run('acct-a', 'j-twice', stop, source);
    expect(first.state.status).toBe('Stopped');
    expect(again).toMatchObject({ duplicate: true, events: [] });
    expect((await outbox('j-twice')).map((e: { type: string }) => e.type)).toEqual(['JobSubmitted', 'JobStopRequested', 'JobStopped']);
  });

  it('refuses a request the status forbids, naming the status, and records the refusal', async () => {
    await submit('j-refuse');
    const suspend: JobCommand = { type: 'RequestSuspend', data: { at } };
    const refusal = await handler.run('acct-a', 'j-refuse', suspend, { context }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(DomainError);
    expect((refusal as DomainError).code).toBe('JOB_NOT_IN_STATUS');
    expect((refusal as DomainError).message).toContain('it is Queued');
    expect(await handler.recordRefusal('acct-a', 'j-refuse', suspend, refusal, { context })).toBe(true);
    expect((await outbox('j-refuse')).at(-1)).toMatchObject({ type: 'JobRequestRefused', data: { request: 'suspend', status: 'Queued', code: 'JOB_NOT_IN_STATUS' } });
  });

  it('refuses a stop of a running job on a group that cannot cancel, and allows it while queued', async () => {
    await db.dataSource.query(
      `INSERT INTO ${handler.schema}.worker_groups (name, fair_share_seconds, rate_per_cpu_second, cancel_while_running, configured_at) VALUES ('quantum', 0, 0, false, now())`,
    );
    const { data } = submitted('j-quantum', 'quantum');
    await handler.run('acct-a', 'j-quantum', { type: 'SubmitJob', data: data as never }, { context });
    await handler.run('acct-a', 'j-quantum', { type: 'AssignJob', data: { worker: 'q1', workerGroup: 'quantum', at } }, { context });
    await handler.run('acct-a', 'j-quantum', { type: 'StartJob', data: { worker: 'q1', at } }, { context });
    const refusal = await handler.run('acct-a', 'j-quantum', { type: 'RequestStop', data: { at } }, { context }).catch((e: unknown) => e);
    expect((refusal as DomainError).code).toBe('JOB_CANNOT_BE_CANCELLED');

    const { data: queued } = submitted('j-quantum-2', 'quantum');
    await handler.run('acct-a', 'j-quantum-2', { type: 'SubmitJob', data: queued as never }, { context });
    expect((await handler.run('acct-a', 'j-quantum-2', { type: 'RequestStop', data: { at } }, { context })).state.status).toBe('Stopped');
  });

  it('answers a command on another account’s job as not found', async () => {
    await submit('j-mine');
    const refusal = await handler.run('acct-b', 'j-mine', { type: 'RequestStop', data: { at } }, { context }).catch((e: unknown) => e);
    expect((refusal as DomainError).code).toBe('JOB_NOT_FOUND');
  });
});
