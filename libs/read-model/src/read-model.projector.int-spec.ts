import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { eventually, isolatedDatabase, submitted, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase } from '@jobledger/testing';
import type { JobEvent } from '@jobledger/domain';
import { decodeEvent, encodeEvent } from '@jobledger/events';
import { quoteIdent } from '@jobledger/platform';
import { PROJECTED_TABLES } from './compare-read-models';
import { READ_MODEL_MIGRATIONS } from './migrations';
import { ReadModelProjector, chainSha256, jobChangesChannel } from './read-model.projector';
import { asDelivered, envelope, groupConfigured, heartbeat, runbookPublished } from './testing/envelopes';

const at = '2026-11-21T10:00:00.000Z';

const lifecycle = (jobId: string): JobEvent[] => [
  submitted(jobId),
  { type: 'JobAssigned', data: { worker: 'w1', workerGroup: 'default', attempt: 1, at } },
  { type: 'JobStarted', data: { worker: 'w1', attempt: 1, at } },
  { type: 'JobCompleted', data: { result: 1, outputRecords: 0, at } },
];

/** The job's events as envelopes on the log. */
const envelopesOf = (jobId: string, events: JobEvent[]) => events.map((e) => envelope(e.type, e.data as unknown as Record<string, unknown>, { jobId }));

describe('ReadModelProjector against Postgres', () => {
  const config = testPlatformConfig('query');
  let db: IsolatedDatabase;
  let projector: ReadModelProjector;
  const project = (events: ReturnType<typeof asDelivered>) => db.dataSource.transaction((m) => projector.apply(m, events));
  const table = (name: string, order: string) => db.dataSource.query(`SELECT * FROM ${projector.schema}.${name} ORDER BY ${order}`);

  beforeAll(async () => {
    db = await isolatedDatabase(config, READ_MODEL_MIGRATIONS);
    projector = new ReadModelProjector(quoteIdent(db.schema));
  });

  afterAll(() => db.drop());

  it('keeps a running SHA-256 over a job’s events in log order, and is idempotent when run twice', async () => {
    const events = asDelivered(envelopesOf('j-hash', lifecycle('j-hash')));
    await project(events);
    await project(events);
    const [job] = await db.dataSource.query(`SELECT event_count, log_sha256 FROM ${projector.schema}.jobs WHERE id = 'j-hash'`);
    const expected = events.reduce<string | null>((hash, e) => chainSha256(hash, encodeEvent(e.envelope)), null);
    expect(job).toEqual({ event_count: 4, log_sha256: expected });
  });

  it('applies a job event once however often the log repeats it, and a removed job takes no event again, not even its own submission', async () => {
    const [a1, a2, a3] = envelopesOf('j-once', lifecycle('j-once'));
    const [r1, r2, r3] = envelopesOf('j-gone', [submitted('j-gone'), { type: 'JobStopped', data: { at } }, { type: 'JobRemoved', data: { forced: false, at } }] as JobEvent[]);
    await project(asDelivered([a1, a2, a2, r1, r2, r3, r1]));
    const job = () => db.dataSource.query(`SELECT event_count, log_sha256 FROM ${projector.schema}.jobs WHERE id IN ('j-once', 'j-gone') ORDER BY id`);
    const once = await job();
    expect(once).toEqual([{ event_count: 2, log_sha256: [a1, a2].reduce<string | null>((hash, e) => chainSha256(hash, encodeEvent(e)), null) }]);
    // Later batches: the same events again (a redelivery, a producer's retry), then a new one.
    await project(asDelivered([a2, r1, r2]));
    await project(asDelivered([a1, a3]));
    const [after] = await job();
    expect(after.event_count).toBe(3);
    expect(after.log_sha256).toBe(chainSha256(once[0].log_sha256, encodeEvent(a3)));
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM ${projector.schema}.job_history WHERE job_id = 'j-gone'`)).toEqual([{ n: 0 }]);
  });

  it('gives another digest when the events come in another order', () => {
    const [a, b] = asDelivered(envelopesOf('j-order', lifecycle('j-order').slice(0, 2)));
    const ab = chainSha256(chainSha256(null, a.message.value as Buffer), b.message.value as Buffer);
    const ba = chainSha256(chainSha256(null, b.message.value as Buffer), a.message.value as Buffer);
    expect(ab).not.toEqual(ba);
  });

  it('projects runbook versions and their sources, and is idempotent when run twice', async () => {
    const events = asDelivered([runbookPublished('rb', 1), runbookPublished('rb', 2)]);
    await project(events);
    const once = await table('runbook_versions', 'version');
    await project(events);
    expect(await table('runbook_versions', 'version')).toEqual(once);
    expect(once.map((r: { version: number; source: string }) => [r.version, r.source])).toEqual([[1, '// v1'], [2, '// v2']]);
  });

  it('projects workers from heartbeats, a later beat winning over an earlier one, and is idempotent when run twice', async () => {
    const events = asDelivered([heartbeat('w-1', 5), heartbeat('w-1', 3), heartbeat('w-2', 1), envelope('WorkerStopped', { workerId: 'w-2', group: 'default', at: '2026-11-21T10:00:02.000Z' })]);
    await project(events);
    const once = await table('workers', 'worker_id');
    await project(events);
    expect(await table('workers', 'worker_id')).toEqual(once);
    expect(once.map((w: { worker_id: string; last_seen: Date; stopped: boolean }) => [w.worker_id, w.last_seen.toISOString(), w.stopped])).toEqual([
      ['w-1', '2026-11-21T10:00:05.000Z', false],
      ['w-2', '2026-11-21T10:00:01.000Z', true],
    ]);
  });

  it('projects worker groups, the latest setting winning, and is idempotent when run twice', async () => {
    const events = asDelivered([groupConfigured('g', 60, 9), groupConfigured('g', 30, 4)]);
    await project(events);
    await project(events);
    expect((await table('worker_groups', 'name')).map((g: { name: string; fair_share_seconds: number }) => [g.name, g.fair_share_seconds])).toEqual([['g', 60]]);
  });

  it('announces the jobs a batch changed on the schema’s channel, once each, and nothing with notify: false', async () => {
    const listener = new Client({ connectionString: config.databaseUrl });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(String(n.payload)));
    try {
      await listener.query(`LISTEN "${jobChangesChannel(projector.schema)}"`);
      await project(asDelivered([...envelopesOf('j-heard-1', lifecycle('j-heard-1')), ...envelopesOf('j-heard-2', lifecycle('j-heard-2').slice(0, 2))]));
      const silent = new ReadModelProjector(projector.schema, { notify: false });
      await db.dataSource.transaction((m) => silent.apply(m, asDelivered(envelopesOf('j-unheard', lifecycle('j-unheard')))));
      // A notification sent after both commits marks the end of what the channel carried.
      await db.dataSource.query(`SELECT pg_notify($1, 'end')`, [jobChangesChannel(projector.schema)]);
      await eventually(async () => heard, (h) => h.includes('end'), 5_000);
      expect(heard.sort()).toEqual(['["acct-a","j-heard-1"]', '["acct-a","j-heard-2"]', 'end']);
      expect(await db.dataSource.query(`SELECT id FROM ${projector.schema}.jobs WHERE id = 'j-unheard'`)).toEqual([{ id: 'j-unheard' }]);
    } finally {
      await listener.end();
    }
  });
});

describe('ReadModelProjector: a batch applied at once', () => {
  let batched: IsolatedDatabase;
  let copied: IsolatedDatabase;
  let oneByOne: IsolatedDatabase;

  beforeAll(async () => {
    // Each its own schema: three configs.
    batched = await isolatedDatabase(testPlatformConfig('query'), READ_MODEL_MIGRATIONS);
    copied = await isolatedDatabase(testPlatformConfig('query'), READ_MODEL_MIGRATIONS);
    oneByOne = await isolatedDatabase(testPlatformConfig('query'), READ_MODEL_MIGRATIONS);
  });

  afterAll(async () => {
    await batched.drop();
    await copied.drop();
    await oneByOne.drop();
  });

  it('leaves every table as applying its events one at a time does, with statements or with COPY (interleaved jobs, a duplicate, a removal, other events between)', async () => {
    const [a1, a2, a3, a4] = envelopesOf('j-a', lifecycle('j-a'));
    const [b1, b2, b3, b4] = envelopesOf('j-b', [
      submitted('j-b'),
      { type: 'JobStopped', data: { at } },
      { type: 'JobRemoved', data: { forced: false, at } },
      { type: 'JobStarted', data: { worker: 'w1', attempt: 1, at } },
    ] as JobEvent[]);
    const output = envelope('JobOutputRecorded', { attempt: 1, records: [{ seq: 1, stream: 'Output', time: at, value: 'late' }] }, { jobId: 'j-b' });
    const events = asDelivered([a1, b1, a2, a2, heartbeat('w-1', 1), b2, a3, b3, output, b4, a4, runbookPublished('rb', 1)]);
    const projectorOf = (db: IsolatedDatabase, copyFrom: number) => new ReadModelProjector(quoteIdent(db.schema), { copyFrom });
    await batched.dataSource.transaction((m) => projectorOf(batched, Infinity).apply(m, events));
    // With COPY: every new row of the batch copied, the job that had a row before the batch (j-c)
    // updated, and a job written before another's removal (j-d) updated after it.
    const [c1, c2, c3] = envelopesOf('j-c', lifecycle('j-c'));
    const [d1, d2, d3] = envelopesOf('j-d', lifecycle('j-d'));
    const [e1, e2, e3] = envelopesOf('j-e', [submitted('j-e'), { type: 'JobStopped', data: { at } }, { type: 'JobRemoved', data: { forced: false, at } }] as JobEvent[]);
    const tail = [c2, c3, d1, e1, e2, e3, d2, d3];
    for (const db of [copied, oneByOne]) await db.dataSource.transaction((m) => projectorOf(db, Infinity).apply(m, asDelivered([c1])));
    await batched.dataSource.transaction((m) => projectorOf(batched, Infinity).apply(m, asDelivered([c1, ...tail])));
    await copied.dataSource.transaction((m) => projectorOf(copied, 1).apply(m, asDelivered([...events.map((e) => e.envelope), ...tail])));
    for (const event of [...events, ...asDelivered(tail)]) await oneByOne.dataSource.transaction((m) => projectorOf(oneByOne, Infinity).apply(m, [event]));
    for (const { table } of PROJECTED_TABLES) {
      const rows = (db: IsolatedDatabase) => db.dataSource.query(`SELECT * FROM ${quoteIdent(db.schema)}.${table} ORDER BY 1, 2`);
      expect({ table, rows: await rows(batched) }).toEqual({ table, rows: await rows(oneByOne) });
      expect({ table, rows: await rows(copied) }).toEqual({ table, rows: await rows(oneByOne) });
    }
    const [jobA] = await batched.dataSource.query(`SELECT status, event_count FROM ${quoteIdent(batched.schema)}.jobs WHERE id = 'j-a'`);
    expect(jobA).toEqual({ status: 'Completed', event_count: 4 });
    expect(await batched.dataSource.query(`SELECT id FROM ${quoteIdent(batched.schema)}.jobs WHERE id = 'j-b'`)).toEqual([]);
    expect(await batched.dataSource.query(`SELECT job_id FROM ${quoteIdent(batched.schema)}.removed_jobs ORDER BY job_id`)).toEqual([{ job_id: 'j-b' }, { job_id: 'j-e' }]);
  });
});

describe('ReadModelProjector: COPY racing another writer of the same new job', () => {
  let db: IsolatedDatabase;

  beforeAll(async () => {
    db = await isolatedDatabase(testPlatformConfig('query'), READ_MODEL_MIGRATIONS);
  });

  afterAll(() => db.drop());

  it('fails the second batch with a unique violation, and its events applied one at a time then change nothing', async () => {
    const projector = new ReadModelProjector(quoteIdent(db.schema), { copyFrom: 1 });
    const events = asDelivered(envelopesOf('j-race', lifecycle('j-race')));
    const first = db.dataSource.createQueryRunner();
    await first.connect();
    await first.startTransaction();
    await projector.apply(first.manager, events);
    // The job has no row to lock yet, so the second writer goes as far as the unique index and waits there.
    const second = db.dataSource.transaction((m) => projector.apply(m, events));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.commitTransaction();
    await first.release();
    await expect(second).rejects.toMatchObject({ code: '23505' });
    const snapshot = () => Promise.all(PROJECTED_TABLES.map(({ table }) => db.dataSource.query(`SELECT * FROM ${quoteIdent(db.schema)}.${table} ORDER BY 1, 2`)));
    const before = await snapshot();
    for (const event of events) await db.dataSource.transaction((m) => projector.apply(m, [event]));
    expect(await snapshot()).toEqual(before);
    const [job] = await db.dataSource.query(`SELECT status, event_count FROM ${quoteIdent(db.schema)}.jobs WHERE id = 'j-race'`);
    expect(job).toEqual({ status: 'Completed', event_count: 4 });
  });
});

describe('the read model replaying the recorded fixture of every event type and version', () => {
  const config = testPlatformConfig('query');
  let db: IsolatedDatabase;

  beforeAll(async () => {
    db = await isolatedDatabase(config, READ_MODEL_MIGRATIONS);
  });

  afterAll(() => db.drop());

  it('projects every recorded event, and the same events twice change nothing', async () => {
    const lines = readFileSync(join(__dirname, '../../events/src/fixtures/events.v1.jsonl'), 'utf8').trim().split('\n');
    const events = lines.map((line, i) => ({
      envelope: decodeEvent(line),
      message: { topic: 't', partition: 0, offset: String(i), key: null, value: Buffer.from(line), headers: {}, timestamp: '0' },
    }));
    const projector = new ReadModelProjector(quoteIdent(db.schema));
    const snapshot = async () => {
      const rows: Record<string, unknown[]> = {};
      for (const { table } of PROJECTED_TABLES) rows[table] = await db.dataSource.query(`SELECT * FROM ${projector.schema}.${table} ORDER BY 1, 2`);
      return rows;
    };
    await db.dataSource.transaction((m) => projector.apply(m, events));
    const once = await snapshot();
    await db.dataSource.transaction((m) => projector.apply(m, events));
    expect(await snapshot()).toEqual(once);
    expect(once.runbook_versions).toHaveLength(1);
    expect(once.workers.length + once.worker_groups.length).toBeGreaterThan(0);
    expect(once.job_history.length + once.removed_jobs.length).toBeGreaterThan(0);
  });
});
