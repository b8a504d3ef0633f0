import { combineStatements } from './combined-statement';
import type { SqlStatement } from './combined-statement';

/**
 * A part of a guarded write. With `rows`, the statement must return exactly that many rows
 * (`RETURNING 1` on a write whose `WHERE` or `ON CONFLICT DO NOTHING` is the guard); without,
 * whatever it writes is fine, and it returns nothing anyone reads.
 */
export interface GuardedPart {
  statement: SqlStatement;
  rows?: number;
}

/**
 * The parts as one statement, all or nothing, for a caller that read without a transaction and
 * writes what it decided in autocommit: when any guarded part returned another number of rows
 * than it must, a division by zero (SQLSTATE 22012) fails the whole statement and nothing
 * is written. A guarded part is read by the final check, so a SELECT (a NOTIFY) runs too. The rules
 * of combineStatements hold: no two parts may change the same row.
 */
export function guardedWrite(parts: readonly GuardedPart[]): SqlStatement {
  if (parts.length === 0) throw new Error('guardedWrite needs at least one part');
  const checks = parts.flatMap(({ rows }, i) => (rows === undefined ? [] : [`(SELECT count(*) FROM w${i + 1}) = ${rows}`]));
  const check = checks.length > 0 ? checks.join(' AND ') : 'true';
  return combineStatements([...parts.map((p) => p.statement), { sql: `SELECT 1 / (${check})::int AS written`, params: [] }]);
}

