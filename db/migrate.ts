// Applies the migrations with Kysely's Migrator; used at start, by `npm run db:migrate` and by the tests.
import { type Kysely, type MigrationResultSet, Migrator } from "kysely";
import { migrations } from "./migrations/index";

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResultSet["results"],
  ) {
    super(message);
    this.name = "MigrationError";
  }
}

function migratorFor(db: Kysely<any>) {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Brings the schema to the latest migration; returns the names applied by this call (empty when up to date). */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migratorFor(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    throw new MigrationError(
      `Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
      results,
    );
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Reverts the most recent migration (for development and the migration tests). */
export async function migrateDown(db: Kysely<any>): Promise<string[]> {
  const { error, results } = await migratorFor(db).migrateDown();
  if (error)
    throw new MigrationError(`Rollback failed: ${error instanceof Error ? error.message : String(error)}`, results);
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
