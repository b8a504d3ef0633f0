import { randomUUID } from 'node:crypto';
import type { JobEvent } from '@jobledger/domain';
import type { AnyEnvelope } from '@jobledger/events';
import { isolatedDatabase, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import { JobReader } from '../jobs/job-reader';
import { READ_MODEL_MIGRATIONS as QUERY_MIGRATIONS } from '@jobledger/read-model';
import { delivered, submitted } from '@jobledger/testing';
import { QueryProjector } from './query.projector';

const at = '2026-11-21T10:00:00.000Z';

function outputEvent(jobId: string, seqs: number[]) {
  return {
    envelope: {
      id: randomUUID(), type: 'JobOutputRecorded', schemaVersion: 1, accountId: 'acct-a', jobId, occurredAt: at,
      actor: { kind: 'service', id: 'test' }, correlationId: jobId, causationId: jobId,
      data: { attempt: 1, records: seqs.map((seq) => ({ seq, stream: 'Output', time: at, value: { n: seq } })) },
    } as AnyEnvelope,
    message: { topic: 't', partition: 0, offset: '0', key: jobId, value: null, headers: {}, timestamp: '0' },
  };
}

describe('QueryProjector against Postgres', () => {
  const config = testPlatformConfig('query');
  let db: IsolatedDatabase;
  let projector: QueryProjector;
  let reader: JobReader;

  beforeAll(async () => {
    db = await isolatedDatabase(config, QUERY_MIGRATIONS);
    projector = new QueryProjector(db.dataSource, config);
    reader = new JobReader(db.dataSource, projector);
  });

  afterAll(() => db.drop());

  const lifecycle = (jobId: string) =>
    delivered(jobId, [
      submitted(jobId),
      { type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at } },
      { type: 'JobStarted', data: { worker: 'w1', attempt: 1, at } },
      { type: 'JobCompleted', data: { result: 1, outputRecords: 2, at } },
    ]);

  it('projects a job’s lifecycle into its view', async () => {
    await projector.project(lifecycle('j-life'));
    expect(await reader.job('acct-a', 'j-life')).toMatchObject({ status: 'Completed', worker: 'w1', attempt: 1, startedAt: at, endedAt: at });
  });

  it('is idempotent when the same events are delivered twice', async () => {
    const events = [...lifecycle('j-twice'), outputEvent('j-twice', [1, 2])];
    await projector.project(events);
    const view = await reader.job('acct-a', 'j-twice');
    const output = await reader.output('acct-a', 'j-twice', 0, [], 100);
    const timeline = async () => [
      await db.dataSource.query(`SELECT event_id, type, status FROM ${projector.schema}.job_history WHERE job_id = 'j-twice' ORDER BY time, event_id`),
      await db.dataSource.query(`SELECT status, count(*)::int AS n FROM ${projector.schema}.status_entries GROUP BY status ORDER BY status`),
    ];
    const before = await timeline();
    await projector.project(events);
    expect(await timeline()).toEqual(before);
    expect(before[0]).toHaveLength(4);
    expect(await reader.job('acct-a', 'j-twice')).toEqual(view);
    expect(await reader.output('acct-a', 'j-twice', 0, [], 100)).toEqual(output);
    expect(output.map((r) => r.seq)).toEqual([1, 2]);
  });

  it('keeps one record per seq when a batch of output is published twice under new event ids', async () => {
    await projector.project([outputEvent('j-dup', [1, 2, 3])]);
    await projector.project([outputEvent('j-dup', [2, 3, 4])]);
    expect((await reader.output('acct-a', 'j-dup', 0, [], 100)).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('answers another account’s job id with not found', async () => {
    await projector.project(lifecycle('j-private'));
    await expect(reader.job('acct-b', 'j-private')).rejects.toMatchObject({ code: 'JOB_NOT_FOUND' });
  });
});

describe('JobReader listing against Postgres', () => {
  const config = testPlatformConfig('query');
  let db: IsolatedDatabase;
  let reader: JobReader;

  beforeAll(async () => {
    db = await isolatedDatabase(config, QUERY_MIGRATIONS);
    const projector = new QueryProjector(db.dataSource, config);
    reader = new JobReader(db.dataSource, projector);
    for (let i = 0; i < 7; i++) {
      const at = `2026-11-21T10:00:0${i}.000Z`;
      const event = submitted(`j${i}`);
      await projector.project(delivered(`j${i}`, [{ ...event, data: { ...event.data, at } } as JobEvent]));
    }
    await projector.project(delivered('other', [submitted('other')], 'acct-b'));
  });

  afterAll(() => db.drop());

  it('pages through an account’s jobs by creation time without gaps or repeats, and never shows another account’s', async () => {
    const seen: string[] = [];
    let after: { value: string; id: string } | undefined;
    for (let page = 0; page < 10; page++) {
      const { items, nextCursor } = await reader.list('acct-a', { statuses: [], sort: 'createdAt', limit: 3, after });
      seen.push(...items.map((j) => j.id));
      if (!nextCursor) break;
      const [, value, id] = JSON.parse(Buffer.from(nextCursor, 'base64url').toString());
      after = { value, id };
    }
    expect(seen).toEqual(['j0', 'j1', 'j2', 'j3', 'j4', 'j5', 'j6']);
  });

  it('filters by status', async () => {
    expect((await reader.list('acct-a', { statuses: ['Running'], sort: '-lastModifiedAt', limit: 10 })).items).toEqual([]);
    expect((await reader.list('acct-b', { statuses: ['Queued'], sort: '-lastModifiedAt', limit: 10 })).items.map((j) => j.id)).toEqual(['other']);
  });
});
