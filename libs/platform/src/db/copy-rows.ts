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

/** About how many bytes `copyChunks` puts in one chunk. */
const CHUNK_BYTES = 64 * 1024;
const TAB = 0x09;
const NEWLINE = 0x0a;

/**
 * Rows in COPY's text format (tab between values, a newline after each row), UTF-8 encoded straight
 * into buffers of about `chunkBytes` bytes: no string of the rows is built and then encoded again
 * (a replay allocates a sixth less, docs/performance.md), and never all of them in memory at once.
 * A value is never cut in two; a row may be (COPY takes its data in chunks of any length).
 */
export function* copyChunks(rows: readonly (readonly CopyValue[])[], chunkBytes = CHUNK_BYTES): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(chunkBytes);
  let length = 0;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const text = copyText(row[i]);
      // A UTF-16 unit is at most 3 bytes of UTF-8; one more byte each for the separator and the newline.
      const most = text.length * 3 + 2;
      if (length + most > chunk.length) {
        if (length > 0) yield chunk.subarray(0, length);
        chunk = Buffer.allocUnsafe(Math.max(chunkBytes, most));
        length = 0;
      }
      if (i > 0) chunk[length++] = TAB;
      length += chunk.write(text, length);
    }
    if (length === chunk.length) {
      yield chunk;
      chunk = Buffer.allocUnsafe(chunkBytes);
      length = 0;
    }
    chunk[length++] = NEWLINE;
  }
  if (length > 0) yield chunk.subarray(0, length);
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
