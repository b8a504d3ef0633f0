import type { SqlStatement } from './combined-statement';
import { pgArray } from './pg-array';

export interface RowsByKey {
  /** The table, quoted and schema-qualified. */
  table: string;
  /** The key's columns and their Postgres types (`['account_id', 'text']`), the leading columns of an index of the table. */
  key: readonly (readonly [column: string, type: string])[];
  /** The keys looked for, each with one value per key column; duplicates are looked for once. */
  keys: readonly (readonly (string | number)[])[];
  /** The select list, over the table's columns (`account_id, id, view`, `running_since::text AS running_since`). */
  columns: string;
  /** Locks the rows found for the transaction, in key order (so two lockers never wait on each other in a cycle). */
  forUpdate?: boolean;
}

/**
 * The rows whose key is among the given ones, as one statement: each key is looked up on the
 * table's index, one probe per key, whatever Postgres believes about the table's size.
 *
 * Why not `WHERE (a, b) IN (SELECT * FROM unnest($1, $2))`: our statements are prepared
 * (decision 13), and Postgres keeps a prepared statement's generic plan until the table's
 * statistics change. A plan made while a table was new and empty (the first minute of a
 * deployment, before autovacuum has analyzed it) is a hash join over a scan of the whole table,
 * and stays one while the table grows: the cost of each lookup then grows with the table. A
 * `LATERAL` subquery with `LIMIT 1` cannot be turned into such a join; an index probe is the
 * cheapest way to find one row even in a table believed empty, so every plan probes the index.
 * Each key finds at most one row: the key must be unique in the table (a primary key, or the
 * leading columns of one when each such key has one row).
 */
export function rowsByKey(lookup: RowsByKey): SqlStatement {
  const { table, key, keys, columns, forUpdate = false } = lookup;
  if (key.length === 0) throw new Error('rowsByKey needs at least one key column');
  const names = key.map(([column]) => column);
  const unnest = key.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const match = names.map((column) => `t.${column} = k.${column}`).join(' AND ');
  const sql = `SELECT r.* FROM (SELECT DISTINCT ${names.join(', ')} FROM unnest(${unnest}) AS u(${names.join(', ')}) ORDER BY ${names.join(', ')}) k
     CROSS JOIN LATERAL (SELECT ${columns} FROM ${table} t WHERE ${match} LIMIT 1${forUpdate ? ' FOR UPDATE' : ''}) r`;
  return { sql, params: key.map((_, i) => pgArray(keys.map((values) => values[i]))) };
}
