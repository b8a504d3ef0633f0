import { encodeEvent } from '@jobledger/events';
import { ProjectionPositions, quoteIdent } from '@jobledger/platform';
import { eventually, isolatedDatabase, isolatedTopics, testPlatformConfig } from '@jobledger/testing';
import type { IsolatedDatabase, IsolatedTopics } from '@jobledger/testing';
import type { EventBus } from '@jobledger/kafka';
import { READ_MODEL_MIGRATIONS } from './migrations';
import { READ_MODEL_CONSUMER, forgetOutputOfRemovedJobs, rebuildReadModel } from './rebuild-read-model';
import { ReadModelProjector } from './read-model.projector';
import type { RebuildReport } from './rebuild-read-model';
import { asDelivered, groupConfigured, heartbeat, jobLifecycle, outputRecorded, runbookPublished } from './testing/envelopes';
import { startLiveProjection } from './testing/live-projection';
import type { LiveProjection } from './testing/live-projection';
import { publish, publishEach, publishRaw } from './testing/publish';

const ENDS = ['Completed', 'Failed', 'Stopped', 'Removed', 'Running'] as const;

describe('rebuilding the read model from the log', () => {
  const config = testPlatformConfig('query');
  let db: IsolatedDatabase;
  let kafka: IsolatedTopics;
  let live: LiveProjection;
  let schema: string;

  let batchesRead = 0;
  const rebuild = (batchBytes?: number): Promise<RebuildReport> =>
    rebuildReadModel({ bus: countingBatches(kafka.bus), databaseUrl: config.databaseUrl, topicPrefix: config.topicPrefix, liveSchema: db.schema, freshSchema: `${db.schema}_rebuild`, batchBytes });
  /** The bus, with each batch its reader hands over counted in batchesRead. */
  const countingBatches = (bus: EventBus): EventBus => ({
    ...bus,
    reader: () => {
      const reader = bus.reader();
      return {
        endOffsets: (topics) => reader.endOffsets(topics),
        startOffsets: (topics) => reader.startOffsets(topics),
        read: (until, handler, options) => reader.read(until, (batch) => ((batchesRead += 1), handler(batch)), options),
      };
    },
  });

  beforeAll(async () => {
    db = await isolatedDatabase(config, READ_MODEL_MIGRATIONS);
    kafka = await isolatedTopics(config, 3);
    schema = quoteIdent(db.schema);
    const t = kafka.topics;
    const jobs = Array.from({ length: 60 }, (_, i) => jobLifecycle(`job-${i}`, ENDS[i % ENDS.length], i % 3 === 0 ? 'acct-b' : 'acct-a'));
    await publish(kafka.bus, t.runbookEvents, [runbookPublished('rb', 1), runbookPublished('rb', 2)], (e) => `${e.accountId}/rb`);
    await publish(kafka.bus, t.workerEvents, [groupConfigured('default', 60, 1), heartbeat('w-1', 2), heartbeat('w-2', 3), heartbeat('w-1', 4)], (e) => { const d = e.data as { workerId?: string; name?: string }; return String(d.workerId ?? d.name); });
    // Each event a record batch of its own, so that small fetches split a job over several batches (see below).
    await publishEach(kafka.bus, t.jobEvents, jobs.flat().map((e) => [e]));
    await publish(kafka.bus, t.jobOutput, jobs.map((events) => outputRecorded(events[0].jobId as string, [1, 2, 3], events[0].accountId)));
    await publishRaw(kafka.bus, t.jobEvents, 'job-1', encodeEvent(jobs[1][1]));
    await publishRaw(kafka.bus, t.jobEvents, 'job-poison', '{"type":"NoSuchEvent"}');
    live = startLiveProjection(config, kafka.bus);
    const consumed = async () => (await new ProjectionPositions(db.dataSource, schema, READ_MODEL_CONSUMER).all()).reduce((sum, p) => sum + Number(p.offset), 0);
    const published = jobs.flat().length + jobs.length + 2 + 4 + 2;
    await eventually(consumed, (n) => n === published, 30_000);
  }, 60_000);

  afterAll(async () => {
    await live.stop();
    await db.drop();
    await kafka.drop();
  });

  it('equals the live read model, table by table, digests included', async () => {
    batchesRead = 0;
    const report = await rebuild();
    expect(batchesRead).toBeLessThan(20);
    expect(report.differences).toBe(0);
    expect(report.tables.find((t) => t.table === 'jobs')).toMatchObject({ liveRows: 48, rebuiltRows: 48, differenceCount: 0 });
    expect(report.tables.every((t) => t.comparable && t.liveRows === t.rebuiltRows)).toBe(true);
    expect(report.skipped).toEqual([expect.objectContaining({ reason: 'INVALID_ENVELOPE' })]);
    expect(report.messages).toBeGreaterThan(300);
  }, 60_000);

  it('equals it too when each partition comes in batches of a message or two, several partitions in flight', async () => {
    // ~100 job events a partition, each a record batch of its own: a job's events come in several
    // batches, applied in their partition's order while later ones are fetched and decoded. A batch
    // applied before an earlier one of its partition leaves a job in another status or with another
    // running SHA-256.
    batchesRead = 0;
    const report = await rebuild(600);
    expect(batchesRead).toBeGreaterThan(150);
    expect(report.differences).toBe(0);
    expect(report.tables.find((t) => t.table === 'jobs')).toMatchObject({ liveRows: 48, rebuiltRows: 48, differenceCount: 0 });
    expect(report.skipped).toEqual([expect.objectContaining({ reason: 'INVALID_ENVELOPE' })]);
  }, 60_000);

  it('reports every row the live read model has wrong, missing or extra', async () => {
    await db.dataSource.query(`UPDATE ${schema}.jobs SET status = 'Running' WHERE id = 'job-0'`);
    await db.dataSource.query(`UPDATE ${schema}.jobs SET log_sha256 = repeat('0', 64) WHERE id = 'job-1'`);
    await db.dataSource.query(`DELETE FROM ${schema}.job_history WHERE event_id = (SELECT event_id FROM ${schema}.job_history WHERE job_id = 'job-2' LIMIT 1)`);
    await db.dataSource.query(`INSERT INTO ${schema}.runbook_versions SELECT account_id, name, 99, runtime, source, sha256, run_on, description, created_at FROM ${schema}.runbook_versions LIMIT 1`);
    const report = await rebuild();
    const byTable = Object.fromEntries(report.tables.map((t) => [t.table, t]));
    expect(report.differences).toBe(4);
    expect(byTable.jobs.differences.map((d) => d.key).sort()).toEqual(['acct-a/job-1', 'acct-b/job-0']);
    expect(byTable.jobs.differences.find((d) => d.key === 'acct-b/job-0')).toMatchObject({ live: { status: 'Running' }, rebuilt: { status: 'Completed' } });
    expect(byTable.job_history.differences).toEqual([expect.objectContaining({ live: null })]);
    expect(byTable.runbook_versions.differences).toEqual([expect.objectContaining({ rebuilt: null })]);
  }, 60_000);
});

describe('output written while its job is removed, in two transactions at once (as a replay applies batches)', () => {
  const config = testPlatformConfig('query');
  let db: IsolatedDatabase;

  beforeAll(async () => {
    db = await isolatedDatabase(config, READ_MODEL_MIGRATIONS);
  });

  afterAll(() => db.drop());

  it('outlives its job until the replay’s last step deletes the output of removed jobs, and only theirs', async () => {
    const schema = quoteIdent(db.schema);
    const projector = new ReadModelProjector(schema);
    const [gone, kept] = [jobLifecycle('j-gone', 'Removed'), jobLifecycle('j-kept', 'Completed')];
    await db.dataSource.transaction((m) => projector.apply(m, asDelivered([...gone.slice(0, -1), ...kept])));
    const output = db.dataSource.createQueryRunner();
    await output.connect();
    try {
      await output.startTransaction();
      await projector.apply(output.manager, asDelivered([outputRecorded('j-gone', [1, 2]), outputRecorded('j-kept', [1])]));
      // The removal commits while the output's transaction is open: neither sees the other.
      await db.dataSource.transaction((m) => projector.apply(m, asDelivered(gone.slice(-1))));
      await output.commitTransaction();
    } finally {
      await output.release();
    }
    const outputOf = async () => (await db.dataSource.query(`SELECT job_id, seq FROM ${schema}.job_output ORDER BY job_id, seq`)) as { job_id: string; seq: number }[];
    expect(await outputOf()).toEqual([{ job_id: 'j-gone', seq: 1 }, { job_id: 'j-gone', seq: 2 }, { job_id: 'j-kept', seq: 1 }]);
    await forgetOutputOfRemovedJobs(db.dataSource, schema);
    expect(await outputOf()).toEqual([{ job_id: 'j-kept', seq: 1 }]);
  });
});
