/** A statement and its parameters, numbered from $1. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

const PARAMETER = /\$(\d+)/g;

/**
 * Several statements sent as one, for one round trip instead of one each: all but the last become
 * data-modifying WITH queries (`WITH w1 AS (a), w2 AS (b) c`), and the result is the last one's.
 * Each statement numbers its own parameters from $1; they are renumbered here, so no statement may
 * hold a `$` followed by digits other than its parameters (no dollar quoting).
 *
 * Postgres's rules for a data-modifying WITH hold: every part runs, to completion, in the caller's
 * transaction and on one snapshot, so no part sees another's writes, and no two parts may change
 * the same row. Give it writes to different tables, or to rows that cannot overlap.
 */
export function combineStatements(statements: readonly SqlStatement[]): SqlStatement {
  if (statements.length === 0) throw new Error('combineStatements needs at least one statement');
  if (statements.length === 1) return statements[0];
  const params: unknown[] = [];
  const renumbered = statements.map((statement) => {
    const offset = params.length;
    params.push(...statement.params);
    return statement.sql.replace(PARAMETER, (_, n: string) => {
      const index = Number(n);
      if (index < 1 || index > statement.params.length) throw new Error(`combineStatements: $${n} has no parameter in: ${statement.sql}`);
      return `$${index + offset}`;
    });
  });
  const last = renumbered.pop() as string;
  return { sql: `WITH ${renumbered.map((sql, i) => `w${i + 1} AS (${sql})`).join(', ')} ${last}`, params };
}
