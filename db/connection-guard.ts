// Catches code that takes a second connection from the pool while its own transaction (or db.connection() block)
// still holds one, in the same async context: with a pool of one (PGlite) that waits forever, and on a server enough
// concurrent requests doing it exhaust the pool and wait for each other (see docs/decisions/011).
import { AsyncLocalStorage } from "node:async_hooks";
import type { ConnectionBuilder, Kysely, KyselyPlugin, PostgresPool, TransactionBuilder } from "kysely";

/** throw: the query fails at once (tests, development); log: it is reported and goes on (production). */
export type NestedConnectionPolicy = "throw" | "log";

export class NestedConnectionError extends Error {
  constructor() {
    super(
      "A query asked the pool for a second connection while a transaction of the same call holds one: " +
        "run it on the transaction (trx), not on db. With a pool of one this waits forever.",
    );
    this.name = "NestedConnectionError";
  }
}

/** One transaction or connection() block: whether it has taken its connection, and whether it has given it back. */
interface Holder {
  acquired: boolean;
  released: boolean;
  /** The holder this one was opened inside (a transaction opened within another transaction). */
  outer: Holder | undefined;
}

export class ConnectionGuard {
  readonly #holders = new AsyncLocalStorage<Holder>();

  constructor(
    private readonly policy: NestedConnectionPolicy,
    private readonly report: (error: NestedConnectionError) => void,
  ) {}

  /** Runs `work`, which takes one connection and keeps it until it settles, as the holder of that connection. */
  async holding<T>(work: () => Promise<T>): Promise<T> {
    const holder: Holder = { acquired: false, released: false, outer: this.#holders.getStore() };
    return this.#holders.run(holder, async () => {
      try {
        return await work();
      } finally {
        // Work started inside and still running afterwards (fire and forget) may use the pool freely.
        holder.released = true;
      }
    });
  }

  /** Called before every connection is taken from the pool. */
  checkAcquire(): void {
    const current = this.#holders.getStore();
    if (!current) return;
    // The first connection a holder takes is its own; any holder around it must not be holding one meanwhile.
    const ownFirst = !current.acquired && !current.released;
    if (ownFirst) current.acquired = true;
    for (let holder = ownFirst ? current.outer : current; holder; holder = holder.outer) {
      if (holder.acquired && !holder.released) {
        const error = new NestedConnectionError();
        if (this.policy === "throw") throw error;
        this.report(error);
        return;
      }
    }
  }

  /** The pool as Kysely's dialect sees it: every connect() is checked first. */
  pool(pool: PostgresPool): PostgresPool {
    return {
      connect: () => {
        this.checkAcquire();
        return pool.connect();
      },
      end: () => pool.end(),
    };
  }

  /**
   * Makes `db`'s transactions and connection() blocks holders. The instance is patched rather than subclassed
   * because withPlugin() and its kin build plain Kysely instances, which must stay guarded too.
   */
  guard<DB>(db: Kysely<DB>): Kysely<DB> {
    const transaction = db.transaction.bind(db);
    const connection = db.connection.bind(db);
    const withPlugin = db.withPlugin.bind(db);
    const withoutPlugins = db.withoutPlugins.bind(db);
    const withSchema = db.withSchema.bind(db);
    return Object.assign(db, {
      transaction: () => this.#transactionBuilder(transaction()),
      connection: (): ConnectionBuilder<DB> => {
        const builder = connection();
        // ConnectionBuilder has a private field, so a look-alike needs the cast.
        return { execute: (callback) => this.holding(() => builder.execute(callback)) } as ConnectionBuilder<DB>;
      },
      withPlugin: (plugin: KyselyPlugin) => this.guard(withPlugin(plugin)),
      withoutPlugins: () => this.guard(withoutPlugins()),
      withSchema: (schema: string) => this.guard(withSchema(schema)),
    });
  }

  #transactionBuilder<DB>(builder: TransactionBuilder<DB>): TransactionBuilder<DB> {
    return {
      setAccessMode: (mode) => this.#transactionBuilder(builder.setAccessMode(mode)),
      setIsolationLevel: (level) => this.#transactionBuilder(builder.setIsolationLevel(level)),
      execute: (callback) => this.holding(() => builder.execute(callback)),
    } as TransactionBuilder<DB>;
  }
}
