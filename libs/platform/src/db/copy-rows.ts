import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { EntityManager } from 'typeorm';

/** A column value as COPY's text format takes it: null is SQL NULL, a number its decimal text. */
export type CopyValue = string | number | null;

/** Characters COPY's text format reads specially inside a value: the escape, and the row and column separators. */
const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value in COPY's text format: `\N` for null, and `\`, newline, carriage return and tab escaped. */
export function copyText(value: CopyValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

/** About how many characters of rows `copyChunks` puts in one chunk. */
const CHUNK_CHARS = 64 * 1024;

/**
 * Rows in COPY's text format (tab between values, a newline after each row), in chunks of whole
 * rows of about `chunkChars` characters: built and sent a chunk at a time, rows cost half the CPU
 * of one string of them all (measured in docs/performance.md) and never all at once in memory.
 */
export function* copyChunks(rows: readonly (readonly CopyValue[])[], chunkChars = CHUNK_CHARS): Generator<string> {
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) text += (i === 0 ? '' : '\t') + copyText(row[i]);
    text += '\n';
    if (text.length >= chunkChars) {
      yield text;
      text = '';
    }
  }
  if (text.length > 0) yield text;
}

/**
 * Writes rows with `COPY … FROM STDIN` on the transaction's own connection: for a few hundred rows
 * and more it costs Postgres about half of an `INSERT … SELECT FROM unnest(…)` (no array literals
 * to parse, rows written a page at a time). COPY has no `ON CONFLICT`: the caller writes only rows
 * it knows are new, and a row that is not (a concurrent writer) fails the transaction with a
 * unique violation, as any other insert of it would.
 *
 * @param table schema-qualified and quoted
 * @param columns quoted as needed
 */
export async function copyRows(manager: EntityManager, table: string, columns: readonly string[], rows: readonly (readonly CopyValue[])[]): Promise<void> {
  if (rows.length === 0) return;
  const runner = manager.queryRunner;
  if (!runner || !runner.isTransactionActive) throw new Error(`copyRows(${table}) runs inside a transaction: call it with the transaction's EntityManager`);
  const client = (await runner.connect()) as PoolClient;
  await pipeline(Readable.from(copyChunks(rows), { objectMode: false }), client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}
