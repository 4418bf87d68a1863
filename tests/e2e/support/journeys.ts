// Shared set-up of the long browser journeys and the access checks: a portal whose database is prepared through the
// services before it starts (the evaluator pool, more accounts, candidacies at a given step), the demo cast, pages
// logged in as each of them, and the scoring grid filled in the page.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { expect } from "vitest";
import { createStaffAccount, signUpCandidate } from "../../../app/services/accounts.server";
import { DEMO_ACCOUNTS } from "../../../app/services/demo-accounts.server";
import { createEvaluatorProfile, createProfileSchema } from "../../../app/services/evaluator-pool.server";
import { openDatabase } from "../../../db/connection";
import type { Database } from "../../../db/schema";
import { CQP_CODE } from "../../integration/support/fixtures";
import { createServerDatabase, serverUrl } from "../../integration/support/test-database";
import { type RunningPortal, launchBrowser, logIn, startPortal } from "./portal";

export const DEMO = {
  candidate: "candidat@demo.example.org",
  officer: "recevabilite@demo.example.org",
  staff: "certificateur@demo.example.org",
  a: "evaluateur1@demo.example.org",
  b: "evaluateur2@demo.example.org",
  admin: "admin@demo.example.org",
} as const;

/** The demo account's name as its pages show it. */
export const demoName = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!.fullName;

const passwords = new Map<string, string>(DEMO_ACCOUNTS.map((a) => [a.email, a.password]));
/** The password of a demo account or of an account made by `addCandidate` / `addEvaluator`. */
export const passwordOf = (email: string) => {
  const password = passwords.get(email);
  if (!password) throw new Error(`no known password for ${email}`);
  return password;
};

export const BLOC_1 = ["C1.1", "C1.2", "C1.3", "C1.4", "C1.5", "C1.6", "C1.7"];
export const BLOC_2 = ["C2.1", "C2.2", "C2.3", "C2.4", "C2.5", "C2.6"];
export const BLOC_3 = ["C3.1", "C3.2", "C3.3", "C3.4", "C3.5", "C3.6"];
export const ALL_COMPETENCIES = [...BLOC_1, ...BLOC_2, ...BLOC_3];

export interface Stage {
  portal: RunningPortal;
  browser: Browser;
  stop(): Promise<void>;
}

/**
 * Starts a portal once to migrate and seed its database (referential, demo accounts), stops it, runs `prepare` on
 * that database (PGlite cannot be shared with a running portal), then starts it again with a browser.
 */
export async function preparedStage<T>(
  name: string,
  prepare: (db: Kysely<Database>) => Promise<T>,
  extraEnv: Record<string, string> = {},
): Promise<Stage & { prepared: T }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `vae-e2e-${name}-`));
  const database = serverUrl ? await createServerDatabase(`vae_e2e_${name.replace(/\W/g, "_")}`) : null;
  const placement = { dataDir, databaseUrl: database?.url };
  const cleanUp = async () => {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let prepared: T;
  try {
    const first = await startPortal(extraEnv, placement);
    await first.stop();
    const handle = await openDatabase(
      database ? { kind: "server", url: database.url } : { kind: "embedded", dataDir: path.join(dataDir, "pglite") },
    );
    try {
      prepared = await prepare(handle.db);
    } finally {
      await handle.close();
    }
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const [portal, browser] = await Promise.all([startPortal(extraEnv, placement), launchBrowser()]);
  return {
    portal,
    browser,
    prepared,
    async stop() {
      await browser.close();
      await portal.stop();
      await cleanUp();
    },
  };
}

/** A new browser context (its own cookies) logged in as the account. */
export async function pageFor(stage: Stage, email: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await stage.browser.newContext({ locale: "fr-FR", ...options });
  const page = await context.newPage();
  await logIn(page, stage.portal, email, passwordOf(email));
  await page.locator(".account__name").waitFor();
  return page;
}

export async function userIds(db: Kysely<Database>): Promise<(email: string) => string> {
  const users = await db.selectFrom("users").select(["id", "email"]).execute();
  return (email: string) => {
    const user = users.find((u) => u.email === email);
    if (!user) throw new Error(`no user ${email}`);
    return user.id;
  };
}

/** A candidate account, as /inscription makes it. */
export async function addCandidate(db: Kysely<Database>, email: string, fullName: string, password: string) {
  const outcome = await signUpCandidate(db, { email, fullName, password }, { ip: null });
  if (!outcome.ok) throw new Error(`candidate ${email}: ${JSON.stringify(outcome.fieldErrors)}`);
  passwords.set(email, password);
  return outcome.value.userId;
}

/** An evaluator account without a profile in the pool (the pool's own pages are not what these tests are about). */
export async function addEvaluatorAccount(db: Kysely<Database>, email: string, fullName: string, password: string) {
  const outcome = await createStaffAccount(db, "system", { email, fullName, password, roles: ["evaluator"] });
  if (!outcome.ok) throw new Error(`evaluator ${email}: ${JSON.stringify(outcome.fieldErrors)}`);
  passwords.set(email, password);
  return outcome.value.userId;
}

export interface PoolEntry {
  email: string;
  civility: "M." | "Mme" | "";
  employerName: string;
  /** A new account (with this name and password) rather than the existing one with this e-mail. */
  newAccount?: { fullName: string; password: string };
}

/** Puts evaluators in the pool through its service, qualified for the CQP, as certifier staff would. */
export async function addToPool(db: Kysely<Database>, entries: PoolEntry[]) {
  const ids = await userIds(db);
  const { id: certificationId } = await db
    .selectFrom("certifications")
    .select("id")
    .where("code", "=", CQP_CODE)
    .executeTakeFirstOrThrow();
  const staff = { userId: ids(DEMO.staff), role: "certifier_staff" as const };
  for (const entry of entries) {
    const input = createProfileSchema.parse({
      account: entry.newAccount ? "new" : "existing",
      email: entry.email,
      fullName: entry.newAccount?.fullName,
      password: entry.newAccount?.password,
      civility: entry.civility,
      employerName: entry.employerName,
      employerSiret: "",
      sectors: "Commerce alimentaire",
      certificationIds: [certificationId],
      isActive: "on",
    });
    const outcome = await createEvaluatorProfile(db, staff, input);
    if (!outcome.ok) throw new Error(`pool ${entry.email}: ${outcome.message} ${JSON.stringify(outcome.fieldErrors)}`);
    if (entry.newAccount) passwords.set(entry.email, entry.newAccount.password);
  }
}

/** Picks the option of a select whose text contains `text`, as a person reading the list would. */
export async function choose(page: Page, label: string, text: string) {
  const select = page.getByLabel(label, { exact: true });
  const value = await select.locator("option", { hasText: text }).first().getAttribute("value");
  await select.selectOption(value!);
}

/**
 * Fills the scoring grid of the page at hand in one go (typing 19 scores and comments one by one is slow), then
 * fires the input events React listens to so that the live bloc means follow; the real form is posted afterwards.
 */
export async function fillGrid(page: Page, scores: Record<string, string>, comment: string) {
  await page.evaluate(
    ({ scores, comment }) => {
      const setValue = (element: HTMLInputElement | HTMLTextAreaElement, value: string) => {
        const prototype = element instanceof HTMLTextAreaElement ? HTMLTextAreaElement : HTMLInputElement;
        Object.getOwnPropertyDescriptor(prototype.prototype, "value")!.set!.call(element, value);
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
      };
      for (const [code, score] of Object.entries(scores)) {
        const input = document.getElementById(`score-${code}`) as HTMLInputElement | null;
        const textarea = document.getElementById(`comment-${code}`) as HTMLTextAreaElement | null;
        if (!input || !textarea) throw new Error(`no grid field for ${code}`);
        setValue(input, score);
        setValue(textarea, `${comment} ${code}`);
      }
    },
    { scores, comment },
  );
}

/** The same score for every competency, with some exceptions. */
export function scoresOf(everywhere: string, exceptions: Record<string, string> = {}): Record<string, string> {
  return { ...Object.fromEntries(ALL_COMPETENCIES.map((code) => [code, everywhere])), ...exceptions };
}

/** The whole page as served (text and markup, hydration data included) holds none of these strings. */
export async function expectNothingOf(page: Page, forbidden: readonly string[], where = page.url()) {
  const html = await page.content();
  const text = await page.locator("body").innerText();
  for (const value of forbidden) {
    expect(html.includes(value) || text.includes(value), `"${value}" leaked on ${where}`).toBe(false);
  }
}
