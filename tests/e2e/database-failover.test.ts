// The built portal on a PostgreSQL server survives what a database restart or failover does to it: every one of its
// connections ended by pg_terminate_backend. It logs it, keeps running, and serves pages from the database again.
// Only on a server (DATABASE_URL): the embedded database has no connection to lose.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerDatabase, serverUrl } from "../integration/support/test-database";
import { type RunningPortal, startPortal } from "./support/portal";

describe.skipIf(!serverUrl)("a database failover under the running portal (PostgreSQL server)", () => {
  let database: { url: string; drop(): Promise<void> };
  let portal: RunningPortal;
  let admin: pg.Client;

  beforeAll(async () => {
    // Our own database, so that terminating its sessions touches no other test's portal.
    database = await createServerDatabase("vae_failover");
    portal = await startPortal({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: "4" });
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await portal?.stop();
    await database?.drop();
  });

  const get = (path: string) => fetch(`${portal.url}${path}`);

  const databaseName = () => new URL(database.url).pathname.slice(1);

  async function portalSessions(): Promise<number> {
    const { rows } = await admin.query(
      "select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = 'vae-portal'",
      [databaseName()],
    );
    return rows[0].n;
  }

  it("logs the lost connections, stays up, and answers /healthz and a database page again", async () => {
    // Several pooled connections, idle once these requests are answered.
    const warm = await Promise.all(Array.from({ length: 8 }, () => get("/certifications")));
    expect(warm.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(await portalSessions()).toBeGreaterThan(0);

    // Terminated twice: with the connections idle, then while requests are using them.
    for (const round of ["idle", "in use"] as const) {
      const inFlight =
        round === "in use" ? Array.from({ length: 6 }, () => get("/certifications").catch((e: Error) => e)) : [];
      const { rowCount } = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and application_name = 'vae-portal'",
        [databaseName()],
      );
      if (round === "idle") expect(rowCount).toBeGreaterThan(0);
      // Requests caught by the failover may fail; the process must not.
      for (const response of await Promise.all(inFlight)) {
        expect(response instanceof Response ? response.status : String(response)).toBeOneOf([200, 500]);
      }
      await expect.poll(async () => (await get("/healthz")).status, { timeout: 15_000, interval: 250 }).toBe(200);
      const page = await get("/certifications");
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Commercial sédentaire du secteur alimentaire");
    }

    expect(portal.output()).toContain("Database connection lost");
    expect(portal.output()).not.toMatch(/Unhandled 'error' event|exited with code/);
  });
});
