import type { DataSource } from 'typeorm';
import type { SqlStatement } from '../db/combined-statement';
import { queryTogether } from '../db/combined-statement';
import { guardedWrite } from '../db/guarded-write';
import type { GuardedPart } from '../db/guarded-write';
import type { Decoded } from './decoded';
import type { ProjectionPositions } from './projection-positions';

/**
 * A projection that can apply a fetch without a transaction: what it needs is read with the
 * fetch's positions in one statement, and what it decided is written with them in one guarded
 * statement (guardedWrite) — two round trips instead of a transaction's five. Either side may
 * decline a fetch (undefined), which then takes the locked transaction as any other.
 */
export interface OptimisticProjection<E> {
  /** What to read to apply these events (each partition's, in log order); undefined: the locked path. */
  reads(events: readonly Decoded<E>[]): SqlStatement[] | undefined;
  /**
   * The guarded parts that apply `fresh` (the events at or past their partition's position), given
   * the rows of `reads` in its order; undefined: the locked path. Guard every row someone else
   * could have written since the read.
   */
  writes(fresh: readonly Decoded<E>[], rows: Record<string, unknown>[][]): GuardedPart[] | undefined;
}

type Claim = { topic: string; partition: number; through: bigint };

/**
 * Applies a fetch's batches optimistically and returns the events it applied, or undefined when
 * the fetch must be applied in the locked transaction instead: the projection declined it, nothing
 * in it was fresh (a redelivery), a guard found that someone wrote meanwhile, or anything failed —
 * the locked path then meets the same failure (a database away, a poison event) and handles it.
 */
export async function applyOptimistically<E>(
  dataSource: DataSource,
  positions: ProjectionPositions,
  claims: readonly Claim[],
  batches: readonly { events: Decoded<E>[] }[],
  projection: OptimisticProjection<E>,
): Promise<Decoded<E>[] | undefined> {
  try {
    const reads = projection.reads(batches.flatMap((b) => b.events));
    if (!reads) return undefined;
    const [stored, ...rows] = await queryTogether(dataSource.manager, [positions.readStatement(claims), ...reads]);
    const read = claims.map((): bigint | null => null);
    for (const { n, next } of stored) read[(n as number) - 1] = next === null ? null : BigInt(next as string);
    const fresh = batches.flatMap(({ events }, i) => events.filter((e) => BigInt(e.message.offset) >= (read[i] ?? 0n)));
    if (fresh.length === 0) return undefined;
    const parts = projection.writes(fresh, rows);
    if (!parts) return undefined;
    const { sql, params } = guardedWrite([...positions.guardedAdvance(claims, read), ...parts]);
    await dataSource.query(sql, params);
    return fresh;
  } catch {
    return undefined;
  }
}
