import { InvalidEventError, decodeEvent, topicNames } from '@jobledger/events';
import type { EventBus, InboundBatch, LogReader, PartitionOffset } from '@jobledger/kafka';
import { ProjectionPositions, createDataSource, isTransient, quoteIdent, runMigrations } from '@jobledger/platform';
import type { DecodedEvent } from '@jobledger/platform';
import type { DataSource } from 'typeorm';
import { compareReadModels } from './compare-read-models';
import type { TableComparison } from './compare-read-models';
import { READ_MODEL_MIGRATIONS } from './migrations';
import { OrderedByKey } from './ordered-by-key';
import { ReadModelProjector } from './read-model.projector';

/** The consumer name under which the query service stores its read model's positions. */
export const READ_MODEL_CONSUMER = 'query.projection';

/** The topics the read model is projected from. */
export function readModelTopics(topicPrefix: string): string[] {
  const t = topicNames(topicPrefix);
  return [t.jobEvents, t.jobOutput, t.runbookEvents, t.workerEvents];
}

export interface RebuildSettings {
  bus: EventBus;
  databaseUrl: string;
  topicPrefix: string;
  /** The live read model's schema (unquoted). */
  liveSchema: string;
  /** Created (or emptied) and migrated here; dropped afterwards unless `keep`. */
  freshSchema: string;
  /** @default false */
  keep?: boolean;
  /** About how many bytes of a partition one batch holds (a transaction of the rebuild). @default 2 MiB */
  batchBytes?: number;
}

export interface SkippedEvent {
  topic: string;
  partition: number;
  offset: string;
  reason: string;
}

export interface RebuildReport {
  /** The live read model's positions the rebuild read up to: both sides describe the same stretch of the log. */
  positions: PartitionOffset[];
  messages: number;
  /** Messages no projection could take (the live consumer dead-lettered them too). */
  skipped: SkippedEvent[];
  rebuildMs: number;
  eventsPerSec: number;
  tables: TableComparison[];
  differences: number;
}

/**
 * Rebuilds the read model from offset 0 into a fresh schema, up to exactly the positions the
 * live read model has stored, and compares the two. The live side is read in one REPEATABLE READ
 * transaction opened before the rebuild, so its rows and its positions are one consistent
 * snapshot however far the live consumer moves on meanwhile.
 */
export async function rebuildReadModel(settings: RebuildSettings): Promise<RebuildReport> {
  const topics = readModelTopics(settings.topicPrefix);
  const live = createDataSource({ url: settings.databaseUrl, schema: settings.liveSchema, migrations: [], applicationName: 'jobledger-rebuild', poolSize: 2 });
  const fresh = createDataSource({ url: settings.databaseUrl, schema: settings.freshSchema, migrations: READ_MODEL_MIGRATIONS, applicationName: 'jobledger-rebuild', poolSize: REPLAY_CONCURRENCY });
  await live.initialize();
  const snapshot = live.createQueryRunner();
  try {
    await fresh.initialize();
    await recreateSchema(fresh, settings.freshSchema);
    await snapshot.connect();
    await snapshot.startTransaction('REPEATABLE READ');
    const livePositions = await new ProjectionPositions(live, quoteIdent(settings.liveSchema), READ_MODEL_CONSUMER).all(snapshot.manager);
    const positions = (await settings.bus.reader().endOffsets(topics)).map((p) => ({
      ...p,
      offset: livePositions.find((l) => l.topic === p.topic && l.partition === p.partition)?.offset ?? '0',
    }));
    const replay = await replayInto(fresh, settings.freshSchema, settings.bus.reader(), positions, settings.batchBytes);
    const tables = await compareReadModels(snapshot.manager, quoteIdent(settings.liveSchema), fresh, quoteIdent(settings.freshSchema), await truncatedTables(settings, topics));
    return {
      positions,
      messages: replay.messages,
      skipped: replay.skipped,
      rebuildMs: replay.replayMs,
      eventsPerSec: replay.eventsPerSec,
      tables,
      differences: tables.reduce((sum, t) => sum + t.differenceCount, 0),
    };
  } finally {
    if (snapshot.isTransactionActive) await snapshot.rollbackTransaction();
    await snapshot.release();
    if (!settings.keep && fresh.isInitialized) await fresh.query(`DROP SCHEMA IF EXISTS ${quoteIdent(settings.freshSchema)} CASCADE`);
    if (fresh.isInitialized) await fresh.destroy();
    await live.destroy();
  }
}

export interface ReplaySettings {
  bus: EventBus;
  databaseUrl: string;
  topicPrefix: string;
  /** Created (or emptied) and migrated, then filled from the whole log as it is now; kept. */
  schema: string;
  /** About how many bytes of a partition one batch holds (a transaction of the replay). @default 2 MiB */
  batchBytes?: number;
}

export interface ReplayReport {
  positions: PartitionOffset[];
  messages: number;
  skipped: SkippedEvent[];
  replayMs: number;
  eventsPerSec: number;
}

/** Projects the read model from offset 0 to the log's current end into a schema of its own, with no live side to compare. */
export async function replayReadModel(settings: ReplaySettings): Promise<ReplayReport> {
  const dataSource = createDataSource({ url: settings.databaseUrl, schema: settings.schema, migrations: READ_MODEL_MIGRATIONS, applicationName: 'jobledger-replay', poolSize: REPLAY_CONCURRENCY });
  await dataSource.initialize();
  try {
    await recreateSchema(dataSource, settings.schema);
    const reader = settings.bus.reader();
    return await replayInto(dataSource, settings.schema, reader, await reader.endOffsets(readModelTopics(settings.topicPrefix)), settings.batchBytes);
  } finally {
    await dataSource.destroy();
  }
}

async function recreateSchema(dataSource: DataSource, schema: string): Promise<void> {
  await dataSource.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await runMigrations(dataSource);
}

/**
 * Batches applied at once, each in its own transaction (the pool's size). A partition holds whole
 * jobs (the key is the job), so concurrent batches of one topic touch different rows; output of a
 * job and its removal, on two topics, may be applied at once (see forgetOutputOfRemovedJobs).
 */
const REPLAY_CONCURRENCY = 3;

/**
 * Bytes of a partition in one batch: small enough that the batches decoded while others are
 * written cost little memory, large enough that a batch's statements are few.
 */
const REPLAY_BATCH_BYTES = 2 * 1024 * 1024;

async function replayInto(
  dataSource: DataSource,
  schema: string,
  reader: LogReader,
  positions: PartitionOffset[],
  batchBytes = REPLAY_BATCH_BYTES,
): Promise<ReplayReport> {
  const started = Date.now();
  const replay = new Replayer(dataSource, quoteIdent(schema));
  try {
    await reader.read(positions, (batch) => replay.accept(batch), { concurrency: positions.length, maxBatchBytes: batchBytes });
  } finally {
    await replay.settled();
  }
  await forgetOutputOfRemovedJobs(dataSource, quoteIdent(schema));
  const replayMs = Date.now() - started;
  return { positions, messages: replay.messages, skipped: replay.skipped, replayMs, eventsPerSec: Math.round(replay.messages / Math.max(replayMs / 1000, 0.001)) };
}

/**
 * Deletes the output of removed jobs. Applied one batch at a time, the projector never leaves any:
 * a removal deletes the output already there, and its tombstone keeps later output out. A replay
 * applies several batches at once, each in its own transaction, and output being written while
 * its job's removal is (on the other topic) sees no tombstone yet, while the removal does not see
 * that output yet: both commit, and the output outlives its job. Once every batch is in, every
 * tombstone is, and this puts it right. (One stage for output after everything else would do too,
 * at the cost of a second consumer group and of the output waiting for everything else.)
 */
export async function forgetOutputOfRemovedJobs(dataSource: DataSource, schema: string): Promise<void> {
  await dataSource.query(`DELETE FROM ${schema}.job_output o USING ${schema}.removed_jobs r WHERE o.account_id = r.account_id AND o.job_id = r.job_id`);
}

/** Tables whose topic has lost its beginning to retention cannot be rebuilt in full; they are reported, not compared. */
async function truncatedTables(settings: RebuildSettings, topics: string[]): Promise<Map<string, string>> {
  const t = topicNames(settings.topicPrefix);
  const starts = await settings.bus.reader().startOffsets(topics);
  const truncated = (topic: string) => starts.some((s) => s.topic === topic && BigInt(s.offset) > 0n);
  const result = new Map<string, string>();
  if (truncated(t.jobOutput)) result.set('job_output', `${t.jobOutput} no longer starts at offset 0 (retention): older output cannot be rebuilt`);
  for (const table of ['workers', 'worker_groups']) {
    if (truncated(t.workerEvents)) result.set(table, `${t.workerEvents} no longer starts at offset 0 (retention)`);
  }
  return result;
}

/**
 * Applies batches to the fresh schema as the live consumer does: poison skipped, one transaction
 * per batch. A batch is decoded as it arrives and applied after its partition's previous batch,
 * so the reader fetches and decodes the next batches while Postgres writes this one.
 */
class Replayer {
  messages = 0;
  readonly skipped: SkippedEvent[] = [];
  private readonly projector: ReadModelProjector;
  private readonly positions: ProjectionPositions;
  private readonly pipeline = new OrderedByKey(REPLAY_CONCURRENCY);

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
  ) {
    // Nothing waits on a replay's schema: its jobs changing need not be announced (a NOTIFY per job, ~4% of a replay).
    this.projector = new ReadModelProjector(schema, { notify: false });
    this.positions = new ProjectionPositions(dataSource, schema, READ_MODEL_CONSUMER);
  }

  /** Takes a batch: see OrderedByKey.push. */
  async accept(batch: InboundBatch): Promise<void> {
    const events = this.decode(batch);
    await this.pipeline.push(`${batch.topic}:${batch.partition}`, () => this.apply(batch, events));
  }

  /** Resolves once every accepted batch is applied; rejects with the first failure. */
  settled(): Promise<void> {
    return this.pipeline.settled();
  }

  private decode(batch: InboundBatch): DecodedEvent[] {
    this.messages += batch.messages.length;
    const events: DecodedEvent[] = [];
    for (const message of batch.messages) {
      try {
        events.push({ envelope: decodeEvent(message.value), message });
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        this.skipped.push({ topic: batch.topic, partition: batch.partition, offset: message.offset, reason: error.reason });
      }
    }
    return events;
  }

  private async apply(batch: InboundBatch, events: DecodedEvent[]): Promise<void> {
    const end = BigInt(batch.messages[batch.messages.length - 1].offset) + 1n;
    try {
      await this.commit(batch, events, end);
    } catch (error) {
      if (isTransient(error)) throw error;
      for (const event of events) {
        await this.commit(batch, [event], BigInt(event.message.offset) + 1n).catch((error: Error) => {
          // As the live consumer: the database going away fails the rebuild, it is not a poison event.
          if (isTransient(error)) throw error;
          this.skipped.push({ topic: batch.topic, partition: batch.partition, offset: event.message.offset, reason: `PROJECTION_FAILED: ${error.message}` });
        });
      }
      await this.commit(batch, [], end);
    }
  }

  private async commit(batch: InboundBatch, events: DecodedEvent[], through: bigint): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (events.length > 0) await this.projector.apply(manager, events);
      await this.positions.advance(manager, batch.topic, batch.partition, through);
    });
  }
}
