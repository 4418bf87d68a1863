// `npm run user:create -- --email … --name "…" --role evaluator [--role admin] [--password …]`
// Creates a staff account (or a candidate) from the command line, e.g. the first administrator of a new
// installation. Without --password a strong one is generated and printed once. On the embedded database it refuses
// while another process (the portal) has the data folder open: its account would be lost (docs/decisions/013).
import "../server/load-env";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { DataFolderLockedError } from "../db/data-folder-lock";
import { migrateToLatest } from "../db/migrate";
import { ROLES, type Role } from "../db/schema";
import { createStaffAccount } from "../app/services/accounts.server";
import { closeDatabase, getDb } from "../app/utils/db.server";

const usage = `Usage: npm run user:create -- --email <e-mail> --name "<full name>" --role <role> [--role <role>…] [--password <password>]
Roles: ${ROLES.join(", ")}`;

function fail(message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string", multiple: true },
      password: { type: "string" },
      help: { type: "boolean" },
    },
  }));
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
if (!values.email) fail("Missing --email.");
if (!values.name) fail("Missing --name.");
const roles = values.role ?? [];
if (roles.length === 0) fail("Give at least one --role.");
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (unknown.length) fail(`Unknown role: ${unknown.join(", ")}.`);

const generated = !values.password;
const password = values.password ?? `${randomBytes(12).toString("base64url")}-7`;

let exitCode = 0;
try {
  const db = await getDb();
  await migrateToLatest(db);
  const outcome = await createStaffAccount(db, "system", {
    email: values.email,
    fullName: values.name,
    password,
    roles: roles as Role[],
  });
  if (!outcome.ok) {
    console.error(Object.values(outcome.fieldErrors).join("\n"));
    exitCode = 1;
  } else {
    console.log(`Account created for ${values.email.trim().toLowerCase()} with role(s): ${roles.join(", ")}.`);
    if (generated) console.log(`Password (shown once): ${password}`);
  }
} catch (error) {
  if (!(error instanceof DataFolderLockedError)) throw error;
  console.error(error.message);
  exitCode = 3;
} finally {
  await closeDatabase();
}
process.exit(exitCode);
