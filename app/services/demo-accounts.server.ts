// Demo accounts, one per role, so that a newcomer on the embedded default can log in as everyone. Never created in
// production (the configuration refuses it); their passwords are public by design and printed at start.
import type { Kysely } from "kysely";
import { findUserByEmail } from "../../db/queries/users";
import type { Database, Role } from "../../db/schema";
import { createStaffAccount, signUpCandidate } from "./accounts.server";

export interface DemoAccount {
  email: string;
  password: string;
  fullName: string;
  role: Role;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { role: "candidate", email: "candidat@demo.example.org", password: "Baguette-2026-demo", fullName: "Camille Martin" },
  {
    role: "admissibility_officer",
    email: "recevabilite@demo.example.org",
    password: "Croissant-2026-demo",
    fullName: "Nadia Benali",
  },
  {
    role: "evaluator",
    email: "evaluateur1@demo.example.org",
    password: "Camembert-2026-demo",
    fullName: "Pierre Lefèvre",
  },
  {
    role: "evaluator",
    email: "evaluateur2@demo.example.org",
    password: "Madeleine-2026-demo",
    fullName: "Sophie Garnier",
  },
  {
    role: "certifier_staff",
    email: "certificateur@demo.example.org",
    password: "Fougasse-2026-demo",
    fullName: "Julien Moreau",
  },
  { role: "admin", email: "admin@demo.example.org", password: "Clafoutis-2026-demo", fullName: "Alex Durand" },
];

/** Creates the demo accounts that do not exist yet; returns how many were created. */
export async function ensureDemoAccounts(db: Kysely<Database>): Promise<number> {
  let created = 0;
  for (const account of DEMO_ACCOUNTS) {
    if (await findUserByEmail(db, account.email)) continue;
    const outcome =
      account.role === "candidate"
        ? await signUpCandidate(db, account, { ip: null })
        : await createStaffAccount(db, "system", { ...account, roles: [account.role] });
    if (!outcome.ok)
      throw new Error(`Demo account ${account.email} could not be created: ${JSON.stringify(outcome.fieldErrors)}`);
    created += 1;
  }
  return created;
}
