import { randomUUID } from 'node:crypto';
import { encodeEvent } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import { ProjectionPositions } from '@jobledger/platform';
import type { DecodedEvent } from '@jobledger/platform';
import { isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { EXECUTION_MIGRATIONS } from '../migrations';
import { JobSpecStore, SPECS_CONSUMER_NAME } from './job-spec.store';
import { waitForSpec } from './wait-for-spec';

const JOB_EVENTS = 'job-events';
const at = '2026-11-21T10:00:00.000Z';

function event(type: string, data: Record<string, unknown>, offset: number, topic = JOB_EVENTS, jobId?: string): DecodedEvent {
  const envelope = {
    id: randomUUID(), type, schemaVersion: 1, accountId: 'acct-a', jobId, occurredAt: at, actor: { kind: 'service', id: 'test' }, correlationId: 'c', causationId: 'c', data,
  } as AnyEnvelope;
  return { envelope, message: { topic, partition: 0, offset: String(offset), key: jobId ?? 'k', value: encodeEvent(envelope), headers: {}, timestamp: '0' } };
}

describe('waiting for an assigned job’s spec, against Postgres', () => {
  const config = testPlatformConfig('execution');
  let db: IsolatedDatabase;
  let store: JobSpecStore;
  let positions: ProjectionPositions;

  beforeAll(async () => {
    db = await isolatedDatabase(config, EXECUTION_MIGRATIONS);
    store = new JobSpecStore(db.dataSource, config);
    positions = new ProjectionPositions(db.dataSource, store.schema, SPECS_CONSUMER_NAME);
    // The runbook every job here uses, projected long ago.
    await project([event('RunbookPublished', { name: 'rb', version: 1, runtime: 'node', source: 'export default async () => 1;', sha256: 'a'.repeat(64), runOn: null, description: null, at }, 0, 'runbook-events')]);
  });

  afterAll(() => db.drop());

  /** As the specs consumer does: the batch and its position in one transaction. */
  const project = (events: DecodedEvent[]) =>
    db.dataSource.transaction(async (manager) => {
      await store.project(manager, events);
      const last = events[events.length - 1].message;
      await positions.advance(manager, last.topic, last.partition, BigInt(last.offset) + 1n);
    });
  const submission = (jobId: string, offset: number) => event('JobSubmitted', { ...submitted(jobId).data, runbook: { name: 'rb', version: 1, sha256: 'a'.repeat(64), runtime: 'node' } }, offset, JOB_EVENTS, jobId);
  const fast = { pollMs: 10, maxPollMs: 40, runbookGraceMs: 300, lagReportMs: 100 };

  it('waits as long as the projection is behind the assignment, then runs the job', async () => {
    // job-1 submitted at offset 10 and assigned at offset 11; the projection has only reached offset 5.
    await project([event('JobQueued', { reason: null, at }, 4, JOB_EVENTS, 'other')]);
    const lagging: number[] = [];
    const waiting = waitForSpec(store, 'acct-a', 'job-1', { topic: JOB_EVENTS, partition: 0, offset: '11' }, new AbortController().signal, { ...fast, onLagging: (ms) => lagging.push(ms) });
    await new Promise((resolve) => setTimeout(resolve, 700)); // longer than any grace: lag alone must not fail the job
    await project([submission('job-1', 10), event('JobAssigned', { worker: 'w1', workerGroup: 'default', attempt: 1, at }, 11, JOB_EVENTS, 'job-1')]);
    const result = await waiting;
    expect('spec' in result && result.spec).toMatchObject({ runtime: 'node', source: 'export default async () => 1;', submitted: { jobId: 'job-1' } });
    expect(lagging.length).toBeGreaterThan(2);
  });

  it('fails at once when the projection has passed the assignment without the submission', async () => {
    await project([event('JobQueued', { reason: null, at }, 30, JOB_EVENTS, 'other')]);
    const started = Date.now();
    const result = await waitForSpec(store, 'acct-a', 'job-lost', { topic: JOB_EVENTS, partition: 0, offset: '20' }, new AbortController().signal, fast);
    expect(result).toEqual({ missing: expect.stringContaining('its submission is not on job-events before its assignment (partition 0, offset 20)') });
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('gives a submitted job whose runbook version never arrives the grace period, then fails it', async () => {
    const orphan = event('JobSubmitted', { ...submitted('job-orphan').data, runbook: { name: 'gone', version: 9, sha256: 'b'.repeat(64), runtime: 'node' } }, 40, JOB_EVENTS, 'job-orphan');
    await project([orphan]);
    const started = Date.now();
    const result = await waitForSpec(store, 'acct-a', 'job-orphan', { topic: JOB_EVENTS, partition: 0, offset: '41' }, new AbortController().signal, fast);
    expect(result).toEqual({ missing: expect.stringContaining('its runbook version is not on runbook-events 300 ms after') });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('stops waiting when the run is stopped or released', async () => {
    const abort = new AbortController();
    const waiting = waitForSpec(store, 'acct-a', 'job-never', { topic: JOB_EVENTS, partition: 0, offset: '999' }, abort.signal, fast);
    setTimeout(() => abort.abort(), 100);
    expect(await waiting).toEqual({ interrupted: true });
  });
});
