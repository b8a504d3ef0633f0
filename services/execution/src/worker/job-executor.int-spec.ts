import { randomUUID } from 'node:crypto';
import type { JobCommand } from '@jobledger/domain';
import type { AnyEnvelope } from '@jobledger/events';
import { JsonLogger } from '@jobledger/platform';
import { eventually, submitted, testPlatformConfig } from '@jobledger/testing';
import type { ExecutionConfig } from '../config';
import { DEFAULT_RUN_LIMITS } from '../runner';
import type { JobSpec, JobSpecStore } from '../specs/job-spec.store';
import type { JobEventWriter } from './job-event-writer';
import { JobExecutor } from './job-executor';

/** The worker's executor with a real runbook runner, and a writer that refuses StartJob as no retry can fix. */
describe('JobExecutor when the start cannot be reported', () => {
  const config: ExecutionConfig = {
    ...testPlatformConfig('execution'),
    workerId: 'w-test',
    workerGroup: 'default',
    workerSlots: 1,
    heartbeatMs: 2_000,
    workerTimeoutMs: 10_000,
    warmProcesses: 0,
    maxJobsPerHost: 1,
    startReportDelayMs: 0,
    runbookUser: undefined,
    limits: DEFAULT_RUN_LIMITS,
  };
  const spec: JobSpec = {
    submitted: submitted('job-1').data as JobSpec['submitted'],
    source: 'export default async () => { await new Promise((r) => setTimeout(r, 200)); return 1; };',
    runtime: 'node',
    lastCheckpoint: null,
    lastSeq: 0,
  };
  const specs = { find: async () => spec, watchSubmission: () => ({ pause: async () => undefined, close: () => undefined }) } as unknown as JobSpecStore;
  const reported: JobCommand[] = [];
  const writer = {
    contextFor: (correlationId: string) => ({ actor: { kind: 'service', id: 'execution/w-test' }, correlationId, causationId: correlationId }),
    report: async (_accountId: string, _jobId: string, command: JobCommand) => {
      if (command.type === 'StartJob') throw Object.assign(new Error('the broker refused the message'), { unrecoverable: true });
      reported.push(command);
    },
    publish: async () => undefined,
  } as unknown as JobEventWriter;
  const executor = new JobExecutor(specs, writer, new JsonLogger('test', 'error'), config);

  afterAll(() => executor.onApplicationShutdown());

  it('still reports how the job ended, so it never stays Starting', async () => {
    const assigned = {
      id: randomUUID(), type: 'JobAssigned', schemaVersion: 1, accountId: 'acct-a', jobId: 'job-1', occurredAt: new Date().toISOString(),
      actor: { kind: 'service', id: 'scheduling' }, correlationId: 'job-1', causationId: 'job-1', data: { worker: 'w-test', workerGroup: 'default', attempt: 1, at: new Date().toISOString() },
    } as AnyEnvelope;
    executor.accept(assigned, { topic: 't', partition: 0, offset: '1' });
    const [end] = await eventually(async () => reported, (r) => r.length > 0, 20_000);
    expect(end).toMatchObject({ type: 'FailJob', data: { reason: { type: 'WorkerError', message: expect.stringContaining('the broker refused the message') } } });
    expect(end.data).not.toHaveProperty('started');
  }, 30_000);
});
