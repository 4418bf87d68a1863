// Named (server-side prepared) statements for the few hot statements that opt in (docs/decisions/033). Kysely's
// PostgreSQL dialect sends every statement unnamed, so the server parses and plans it on each execution; a named
// statement is parsed once per connection and its plan reused. Only statements marked with PREPARED_STATEMENT are
// named: each name stays prepared on its connection until the connection closes, so the set of marked texts must
// stay small and bounded (a statement whose text varies with its data, such as an `in (…)` list, must not opt in).
import { createHash } from "node:crypto";
import type pg from "pg";

/** A statement whose text starts with this comment is sent as a named statement on a PostgreSQL server. */
export const PREPARED_STATEMENT = "/* prepared */ ";

/**
 * The query config pg should send for a statement: named after a hash of its text when it opts in, so that two
 * texts never share a name (pg refuses a name reused with another text), else undefined (sent unnamed).
 */
export function preparedQueryConfig(text: string, values: unknown[] | undefined): pg.QueryConfig | undefined {
  if (!text.startsWith(PREPARED_STATEMENT)) return undefined;
  return { name: statementName(text), text, values };
}

const names = new Map<string, string>();

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `vae_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
    // The marked texts are a bounded set; the cap only guards against a statement that opted in by mistake.
    if (names.size < 1000) names.set(text, name);
  }
  return name;
}

type QueryFunction = (...args: unknown[]) => unknown;

/**
 * Makes every connection the pool opens send the marked statements as named ones. A server connection only:
 * PGlite's in-process connection gains nothing from it.
 */
export function namePreparedStatements(pool: pg.Pool): pg.Pool {
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as QueryFunction;
    const named: QueryFunction = (...args) => {
      const [config, values, ...rest] = args;
      const prepared =
        typeof config === "string" && Array.isArray(values) ? preparedQueryConfig(config, values) : undefined;
      return prepared ? query(prepared, ...rest) : query(...args);
    };
    client.query = named as typeof client.query;
  });
  return pool;
}
