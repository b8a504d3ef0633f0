import type { DataSource, EntityManager } from 'typeorm';

/** The projected tables and their keys; `receive_cursors` (not a projection), the inbox and positions are left out. */
export const PROJECTED_TABLES: readonly { table: string; key: readonly string[] }[] = [
  { table: 'jobs', key: ['account_id', 'id'] },
  { table: 'job_history', key: ['account_id', 'job_id', 'event_id'] },
  { table: 'status_entries', key: ['account_id', 'entered_at', 'event_id'] },
  { table: 'job_output', key: ['account_id', 'job_id', 'seq'] },
  { table: 'removed_jobs', key: ['account_id', 'job_id'] },
  { table: 'runbook_versions', key: ['account_id', 'name', 'version'] },
  { table: 'workers', key: ['worker_id'] },
  { table: 'worker_groups', key: ['name'] },
];

export interface RowDifference {
  key: string;
  /** The row as JSON, null when the row is missing on that side. */
  live: unknown;
  rebuilt: unknown;
}

export interface TableComparison {
  table: string;
  liveRows: number;
  rebuiltRows: number;
  /** How many keys differ (missing on one side, or another content). */
  differenceCount: number;
  /** The first differences, with both rows. */
  differences: RowDifference[];
  /** False when the log no longer holds what this table was built from (retention). */
  comparable: boolean;
  note?: string;
}

const SHOWN = 20;

/**
 * Compares each table of two read models row by row (a digest per row, both rows shown for the
 * first differences). `live` may be a transaction's manager, so the live side is one snapshot.
 */
export async function compareReadModels(
  live: EntityManager,
  liveSchema: string,
  rebuilt: DataSource,
  rebuiltSchema: string,
  incomparable: ReadonlyMap<string, string> = new Map(),
): Promise<TableComparison[]> {
  const result: TableComparison[] = [];
  for (const { table, key } of PROJECTED_TABLES) {
    const a = await digests(live, liveSchema, table, key);
    const b = await digests(rebuilt.manager, rebuiltSchema, table, key);
    const differing = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
    const comparison: TableComparison = {
      table,
      liveRows: a.size,
      rebuiltRows: b.size,
      differenceCount: differing.length,
      differences: [],
      comparable: !incomparable.has(table),
    };
    if (!comparison.comparable) {
      comparison.note = incomparable.get(table);
      comparison.differenceCount = 0;
    } else {
      for (const k of differing.slice(0, SHOWN)) {
        comparison.differences.push({ key: k, live: await row(live, liveSchema, table, key, k), rebuilt: await row(rebuilt.manager, rebuiltSchema, table, key, k) });
      }
    }
    result.push(comparison);
  }
  return result;
}

function keyExpression(key: readonly string[]): string {
  return `concat_ws('/', ${key.map((c) => `t.${c}::text`).join(', ')})`;
}

async function digests(manager: EntityManager, schema: string, table: string, key: readonly string[]): Promise<Map<string, string>> {
  const rows: { k: string; h: string }[] = await manager.query(`SELECT ${keyExpression(key)} AS k, md5(to_jsonb(t)::text) AS h FROM ${schema}.${table} t`);
  return new Map(rows.map((r) => [r.k, r.h]));
}

async function row(manager: EntityManager, schema: string, table: string, key: readonly string[], k: string): Promise<unknown> {
  const [found] = await manager.query(`SELECT to_jsonb(t) AS row FROM ${schema}.${table} t WHERE ${keyExpression(key)} = $1`, [k]);
  return found?.row ?? null;
}
