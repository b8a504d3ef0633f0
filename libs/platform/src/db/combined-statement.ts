import type { EntityManager } from 'typeorm';

/** A statement and its parameters, numbered from $1. */
export interface SqlStatement {
  sql: string;
  params: unknown[];
}

const PARAMETER = /\$(\d+)/g;

/** The statements' texts with their parameters numbered one after another, and all the parameters. */
function renumbered(statements: readonly SqlStatement[]): { texts: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const texts = statements.map((statement) => {
    const offset = params.length;
    params.push(...statement.params);
    return statement.sql.replace(PARAMETER, (_, n: string) => {
      const index = Number(n);
      if (index < 1 || index > statement.params.length) throw new Error(`combined statement: $${n} has no parameter in: ${statement.sql}`);
      return `$${index + offset}`;
    });
  });
  return { texts, params };
}

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
  const { texts, params } = renumbered(statements);
  const last = texts.pop() as string;
  return { sql: `WITH ${texts.map((sql, i) => `w${i + 1} AS (${sql})`).join(', ')} ${last}`, params };
}

/**
 * Statements that return rows, run as one (one round trip): each becomes a WITH query — a write
 * with RETURNING, a read, `FOR UPDATE` included — and their rows come back per statement, in the
 * order given. Rows come back as JSON would carry them (to_json): json and jsonb columns as values,
 * numbers as numbers, timestamps as ISO text. `to_json`, not `to_jsonb`: a json column's text goes
 * out as it is instead of being parsed into jsonb and printed again (a third of the cost per row of
 * a job's row with its view). The rules of combineStatements hold.
 */
export async function queryTogether(manager: EntityManager, statements: readonly SqlStatement[]): Promise<Record<string, unknown>[][]> {
  const { texts, params } = renumbered(statements);
  const sql = `WITH ${texts.map((text, i) => `r${i} AS (${text})`).join(', ')}
    ${texts.map((_, i) => `SELECT ${i} AS part, to_json(r${i}) AS row FROM r${i}`).join(' UNION ALL ')}`;
  const rows: { part: number; row: Record<string, unknown> }[] = await manager.query(sql, params);
  const parts = statements.map((): Record<string, unknown>[] => []);
  for (const { part, row } of rows) parts[part].push(row);
  return parts;
}
