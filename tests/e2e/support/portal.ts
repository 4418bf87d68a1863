// Starts the built portal as `npm start` does, in its own process with its own data folder (and, when
// DATABASE_URL is set, its own database on that server), and drives Debian's Chromium with playwright-core.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { createServerDatabase, serverUrl } from "../../integration/support/test-database";
import { expectAccessible } from "./axe";

const root = path.resolve(import.meta.dirname, "../../..");

export interface RunningPortal {
  url: string;
  /** The portal's DATA_DIR (its e-mails are written under mail/). */
  dataDir: string;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code once the process has exited; removes nothing. */
  terminate(): Promise<number | null>;
  stop(): Promise<void>;
}

export interface PortalPlacement {
  /** A database on the PostgreSQL server that this portal shares (e.g. with another portal): used, never dropped. */
  databaseUrl?: string;
  /** A data folder prepared beforehand or shared with a later portal: used, never removed. */
  dataDir?: string;
}

/**
 * extraEnv: more settings for this portal (e.g. S3_* to use an S3 server, UPLOAD_MAX_BYTES). By default each portal
 * gets its own data folder and, when DATABASE_URL is set, its own database, both removed by stop().
 */
export async function startPortal(
  extraEnv: Record<string, string> = {},
  placement: PortalPlacement = {},
): Promise<RunningPortal> {
  const dataDir = placement.dataDir ?? mkdtempSync(path.join(tmpdir(), "vae-e2e-"));
  const database = placement.databaseUrl
    ? { url: placement.databaseUrl, drop: async () => {} }
    : serverUrl
      ? await createServerDatabase("vae_e2e")
      : null;
  // As `npm start` does: one Node process with tsx's loader, so that SIGTERM reaches the portal itself.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "test",
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: database?.url ?? "",
      DEMO_ACCOUNTS: "true",
      SESSION_SECRET: "",
      CREDENTIAL_SIGNING_KEY: "",
      // E-mails stay in DATA_DIR/mail, whatever the developer's environment configures.
      SMTP_URL: "",
      WORKER_INTERVAL_SECONDS: "1",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The portal did not start in time:\n${output}`)), 90_000);
    const check = () => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`The portal exited with code ${code}:\n${output}`));
    });
  });

  const terminate = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    return child.exitCode;
  };
  return {
    url,
    dataDir,
    output: () => output,
    terminate,
    async stop() {
      await terminate();
      await database?.drop();
      if (!placement.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-sync",
    ],
  });
}

/** Logs in from /connexion; the login page and the page it lands on (a role's home, or the refusal) pass axe-core. */
export async function logIn(page: Page, portal: RunningPortal, email: string, password: string) {
  await page.goto(`${portal.url}/connexion`);
  await expectAccessible(page);
  await page.getByLabel("Adresse e-mail").fill(email);
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  // Either the header shows the logged-in user, or the form shows the refusal.
  await page.locator('.account__name, form [role="alert"]').first().waitFor();
  await expectAccessible(page);
}

export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Se déconnecter" }).click();
  await page.waitForURL(/\/connexion/);
}
