import { InvalidEventError, decodeEvent, topicNames } from '@jobledger/events';
import type { AnyEnvelope } from '@jobledger/events';
import type { EventBus, EventConsumer, InboundBatch, InboundMessage } from '@jobledger/kafka';
import type { DataSource, EntityManager } from 'typeorm';
import type { PlatformConfig } from '../config/platform-config';
import type { Infrastructure } from '../lifecycle/infrastructure';
import type { JsonLogger } from '../logging/json-logger';
import type { SharedProducer } from './shared-producer';
import type { Decoded } from './decoded';
import type { Metrics } from '../metrics/metrics';
import { ProjectionPositions } from './projection-positions';
import { applyOptimistically } from './optimistic-apply';
import type { OptimisticProjection } from './optimistic-apply';
import { sleep } from '../lifecycle/retry';

export type { Decoded } from './decoded';

export type DecodedEvent = Decoded<AnyEnvelope>;

export type DecodedBatchHandler<E = AnyEnvelope> = (events: Decoded<E>[]) => Promise<void>;

/** Applies events inside the transaction that also stores their position. */
export type ProjectionHandler<E = AnyEnvelope> = (manager: EntityManager, events: Decoded<E>[]) => Promise<void>;

export interface ProjectionTarget {
  dataSource: DataSource;
  /** The quoted schema holding the projection and its `projection_positions` table. */
  schema: string;
}

export interface ConsumeSettings<E> {
  /** @default true */
  fromBeginning?: boolean;
  /** Turns bytes into an envelope or throws InvalidEventError. @default decodeEvent */
  decode?: (bytes: Buffer | null) => E;
  /**
   * After handing a fetch over, wait this long before fetching again, so that the next fetch
   * brings what came meanwhile: fewer, larger batches (and transactions) for a consumer whose
   * readers accept being this much further behind. @default 0
   */
  gatherMs?: number;
}

export interface ProjectionSettings<E> extends ConsumeSettings<E> {
  /**
   * The events the projection applies, when it ignores others. A fetch with none of them takes no
   * transaction: its partitions' positions are stored with a later fetch of theirs, or within
   * `idlePositionsMs` — so the positions may lag that long behind events the projection ignores.
   * @default every event
   */
  applies?: (envelope: E) => boolean;
  /** @default 1000 */
  idlePositionsMs?: number;
  /** Told the events a transaction applied, once it committed (e.g. to wake who waits for them in this process). */
  onApplied?: (events: Decoded<E>[]) => void;
  /**
   * Applies a fetch without a transaction where it can (one read, one guarded write), else in the
   * locked transaction as without it. @default none: every fetch takes the transaction
   */
  optimistic?: OptimisticProjection<E>;
}

type PositionClaim = { topic: string; partition: number; through: bigint };

/**
 * A consumer of our events: decodes each message; a message that can never become a valid
 * event goes to the dead-letter topic with the reason and its original bytes, and
 * consumption goes on. The handler gets the valid events of a batch in log order.
 */
export class ManagedConsumer {
  private consumer: EventConsumer | undefined;
  private heldPositions: HeldPositions | undefined;
  /** How the projection's fetches were applied: without a transaction (optimistic), or in the locked one. */
  readonly projectionPaths = { optimistic: 0, locked: 0 };

  constructor(
    private readonly bus: EventBus,
    private readonly producer: SharedProducer,
    private readonly infra: Infrastructure,
    private readonly config: PlatformConfig,
    private readonly logger: JsonLogger,
    metrics: Metrics,
  ) {
    this.countDeadLetter = metrics.counter('jobledger_dead_letters_total', 'Events no consumer could read, sent to the dead-letter topic.');
    this.countProjectionFetch = metrics.counter(
      'jobledger_projection_fetches_total',
      'Fetches a projection applied, by path: optimistic (one read, one guarded write) or locked (a transaction: declined, or a lost race).',
    );
  }

  private readonly countProjectionFetch: (labels: Record<string, string>) => void;

  private readonly countDeadLetter: (labels: Record<string, string>) => void;

  /**
   * Starts once Kafka and Postgres answer; `group` is prefixed like the topics, so tests stay apart.
   * The handler gets the events of the batches one fetch brought, several partitions' at once, each
   * partition's in log order.
   */
  startWhenReady<E = AnyEnvelope>(group: string, topics: string[], handler: DecodedBatchHandler<E>, settings: ConsumeSettings<E> = {}): void {
    const groupId = `${this.config.topicPrefix}${group}`;
    this.run(groupId, topics, settings, undefined, (batches) => this.handle(groupId, batches.flatMap((b) => b.events), handler));
  }

  /**
   * Like `startWhenReady`, for a projection: the batches of a fetch are applied in one transaction
   * that also stores their partitions' positions in the projection's schema, and the consumer resumes
   * from those stored positions — exactly once, whatever Kafka has committed. An empty schema is
   * rebuilt from the beginning of the log. A group that fails for a reason no retry can fix is
   * applied batch by batch, and the event that still fails goes to the dead-letter topic.
   */
  startProjectionWhenReady<E = AnyEnvelope>(group: string, topics: string[], target: ProjectionTarget, apply: ProjectionHandler<E>, settings: ProjectionSettings<E> = {}): void {
    const groupId = `${this.config.topicPrefix}${group}`;
    const positions = new ProjectionPositions(target.dataSource, target.schema, group);
    const { applies } = settings;
    const held = (this.heldPositions = applies
      ? new HeldPositions(
          (claims) => target.dataSource.transaction((manager) => positions.claimMany(manager, claims)).then(() => undefined),
          settings.idlePositionsMs ?? 1_000,
          (error) => this.logger.warn('could not store the positions of ignored events; will retry', { groupId, error: error.message }),
        )
      : undefined);
    this.run(groupId, topics, settings, positions, async (batches) => {
      const claims = batches.map(({ batch }) => ({ topic: batch.topic, partition: batch.partition, through: endOf(batch) }));
      if (applies && held && batches.every(({ events }) => !events.some((e) => applies(e.envelope)))) {
        held.hold(claims);
        return;
      }
      // A partition is in one fetch at a time: this one stores a later position than any held for it.
      held?.forget(claims);
      if (settings.optimistic) {
        const applied = await applyOptimistically(target.dataSource, positions, claims, batches, settings.optimistic);
        if (applied) {
          this.projectionPaths.optimistic++;
          this.countProjectionFetch({ group: groupId, path: 'optimistic' });
          settings.onApplied?.(applied);
          return;
        }
      }
      this.projectionPaths.locked++;
      if (settings.optimistic) this.countProjectionFetch({ group: groupId, path: 'locked' });
      try {
        const applied = await target.dataSource.transaction(async (manager) => {
          // Locked, so two members briefly owning a partition during a rebalance never apply the same offsets twice.
          const froms = await positions.claimMany(manager, claims);
          const fresh = batches.flatMap(({ events }, i) => events.filter((e) => BigInt(e.message.offset) >= froms[i]));
          if (fresh.length > 0) await apply(manager, fresh);
          return fresh;
        });
        if (applied.length > 0) settings.onApplied?.(applied);
        return;
      } catch (error) {
        if (isTransient(error)) throw error;
      }
      for (const { batch, events } of batches) await this.applyBatch(groupId, positions, target, apply, batch, events, settings.onApplied);
    });
  }

  /** One batch of a projection, whole or else event by event (the one that still fails is dead-lettered), with its position. */
  private async applyBatch<E>(
    groupId: string,
    positions: ProjectionPositions,
    target: ProjectionTarget,
    apply: ProjectionHandler<E>,
    batch: InboundBatch,
    events: Decoded<E>[],
    onApplied: ((events: Decoded<E>[]) => void) | undefined,
  ): Promise<void> {
    const end = endOf(batch);
    let stored = -1n;
    const commit = async (subset: Decoded<E>[], through: bigint) => {
      const applied = await target.dataSource.transaction(async (manager) => {
        const from = await positions.claim(manager, batch.topic, batch.partition, through);
        const fresh = subset.filter((e) => BigInt(e.message.offset) >= from);
        if (fresh.length > 0) await apply(manager, fresh);
        return fresh;
      });
      stored = through;
      if (applied.length > 0) onApplied?.(applied);
    };
    // The whole batch stores the batch's end; one event of the one-by-one retry stores its own.
    await this.handle(groupId, events, (subset) =>
      commit(subset, subset.length === events.length ? end : BigInt(subset[subset.length - 1].message.offset) + 1n),
    );
    // Dead letters at the end of the batch: their position is stored too, so a restart does not send them again.
    if (stored !== end) await commit([], end);
  }

  private run<E>(
    groupId: string,
    topics: string[],
    settings: ConsumeSettings<E>,
    positions: ProjectionPositions | undefined,
    handle: (batches: { batch: InboundBatch; events: Decoded<E>[] }[]) => Promise<void>,
  ): void {
    const decode = settings.decode ?? (decodeEvent as unknown as (bytes: Buffer | null) => E);
    void this.infra.whenReady().then(async () => {
      this.consumer = this.bus.consumer(groupId);
      await this.consumer.startGrouped({ topics, fromBeginning: settings.fromBeginning ?? true, positions }, async (batches) => {
        const decoded: { batch: InboundBatch; events: Decoded<E>[] }[] = [];
        for (const batch of batches) {
          const events: Decoded<E>[] = [];
          for (const message of batch.messages) {
            try {
              events.push({ envelope: decode(message.value), message });
            } catch (error) {
              if (!(error instanceof InvalidEventError)) throw error;
              await this.deadLetter(groupId, message, error);
            }
          }
          decoded.push({ batch, events });
        }
        await handle(decoded);
        if (settings.gatherMs) await sleep(settings.gatherMs);
      });
      this.logger.info('consuming', { groupId, topics });
    });
  }

  /**
   * Hands the batch over. When it fails for a reason no retry can fix, the events are handed
   * over one by one (handlers are idempotent), and the one that still fails is dead-lettered;
   * a transient failure (database or broker away) redelivers the batch instead.
   */
  private async handle<E>(groupId: string, events: Decoded<E>[], handler: DecodedBatchHandler<E>): Promise<void> {
    if (events.length === 0) return;
    try {
      await handler(events);
      return;
    } catch (error) {
      if (isTransient(error)) throw error;
    }
    for (const event of events) {
      try {
        await handler([event]);
      } catch (error) {
        if (isTransient(error)) throw error;
        await this.deadLetter(groupId, event.message, new InvalidEventError('PROJECTION_FAILED', (error as Error).message));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.heldPositions?.close();
    await this.consumer?.stop();
  }

  private async deadLetter(groupId: string, message: InboundMessage, error: InvalidEventError): Promise<void> {
    this.logger.warn('poison event sent to the dead-letter topic', {
      groupId, topic: message.topic, partition: message.partition, offset: message.offset, reason: error.reason, error: error.message,
    });
    const record = {
      reason: error.reason,
      message: error.message,
      consumerGroup: groupId,
      source: { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key },
      originalBase64: message.value ? message.value.toString('base64') : null,
      deadLetteredAt: new Date().toISOString(),
    };
    const producer = await this.producer.get();
    await producer.send([{ topic: topicNames(this.config.topicPrefix).deadLetter, key: message.key ?? 'unknown', value: JSON.stringify(record) }]);
    this.countDeadLetter({ group: groupId, reason: error.reason });
  }
}

/**
 * Positions of fetches a projection had nothing to apply from, stored together a while later in
 * one transaction (never back: a fetch applied meanwhile may have stored more).
 */
class HeldPositions {
  private readonly held = new Map<string, PositionClaim>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: (claims: PositionClaim[]) => Promise<void>,
    private readonly delayMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  hold(claims: PositionClaim[]): void {
    for (const claim of claims) this.held.set(key(claim), claim);
    this.schedule();
  }

  /** Drops what is held for these partitions: a fetch applying them stores later positions. */
  forget(claims: PositionClaim[]): void {
    for (const claim of claims) this.held.delete(key(claim));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || this.closed || this.held.size === 0) return;
    this.timer = setTimeout(() => void this.flush(), this.delayMs);
  }

  private async flush(): Promise<void> {
    const claims = [...this.held.values()];
    this.held.clear();
    try {
      await this.store(claims);
    } catch (error) {
      this.onError(error as Error);
      for (const claim of claims) if (!this.held.has(key(claim))) this.held.set(key(claim), claim);
    }
    this.timer = undefined;
    this.schedule();
  }
}

function key(claim: PositionClaim): string {
  return `${claim.topic}/${claim.partition}`;
}

/** The offset after the batch's last message: where its partition's position moves to. */
function endOf(batch: InboundBatch): bigint {
  return BigInt(batch.messages[batch.messages.length - 1].offset) + 1n;
}

/**
 * Postgres connection, transaction rollback (a deadlock, a serialization failure: the same work
 * succeeds when tried again), resource and shutdown classes, network errors and broker errors pass with time.
 */
const TRANSIENT_SQLSTATE = /^(08|40|53|57P|58)/;
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === 'string' && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_CODES.has(code))) return true;
  if (typeof name === 'string' && name.startsWith('KafkaJS')) return true;
  // TypeORM/pg report a lost pool or connection in the message only.
  return typeof message === 'string' && /connection (terminated|refused|timeout)|Connection terminated|timeout exceeded when trying to connect/i.test(message);
}
