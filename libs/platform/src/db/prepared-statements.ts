import { Client } from 'pg';

/**
 * At most this many statement texts per process are prepared; later ones run unnamed as before.
 * Our statements are a fixed set of texts (arrays, not growing VALUES lists, carry the rows), so
 * this only bounds what each Postgres connection keeps if a new text came with every call.
 */
export const MAX_PREPARED_STATEMENTS = 500;

const names = new Map<string, string>();

/** The name the statement is prepared under, the same for the same text; null once the cap is reached. */
export function preparedName(text: string): string | null {
  let name = names.get(text);
  if (name === undefined) {
    if (names.size >= MAX_PREPARED_STATEMENTS) return null;
    name = `jl_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

/**
 * A pg client that runs every statement with parameters as a named prepared statement, parsed
 * once per connection: Postgres then skips parsing and, once its generic plan is as good as a
 * custom one, planning — about half a statement's cost on the server and of its round trip
 * (docs/decisions.md, decision 13). Statements without parameters, COPY and streams are untouched.
 * A prepared statement's result columns must not change under it ("cached plan must not change
 * result type" after a migration adds a column to a table it reads with `*`): name the columns.
 * Off (JOBLEDGER_DB_PREPARED_STATEMENTS=false) behind a pooler that does not keep a connection's
 * prepared statements, such as PgBouncer in transaction mode before 1.21.
 */
export class PreparingClient extends Client {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads, forwarded unchanged
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = preparedName(config);
      if (name !== null) return super.query({ name, text: config, values }, callback);
    }
    return super.query(config, values, callback);
  }
}
