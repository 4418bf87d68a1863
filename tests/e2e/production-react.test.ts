// `npm start` renders with React's production build whatever NODE_ENV the operator left unset or set, while the
// deployment mode (demo accounts, session secret, Secure cookie) stays what the operator chose (docs/decisions/016).
// The probe preloaded into the portal reports which React files the server process really loaded.
import { generateKeyPairSync } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { serverUrl } from "../integration/support/test-database";
import { startPortal } from "./support/portal";

const probe = pathToFileURL(path.join(import.meta.dirname, "support/react-build-probe.mjs")).href;

async function reactFilesOf(env: Record<string, string>) {
  const report = path.join(mkdtempSync(path.join(tmpdir(), "vae-react-build-")), "loaded.txt");
  const portal = await startPortal({ NODE_OPTIONS: `--import=${probe}`, REACT_BUILD_REPORT: report, ...env });
  const page = await fetch(`${portal.url}/certifications`);
  const banner = portal.output();
  await portal.stop();
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("Commercial sédentaire");
  const files = existsSync(report) ? readFileSync(report, "utf8").trim().split("\n") : [];
  return { files, banner };
}

describe("npm start", () => {
  it("renders with React's production build when NODE_ENV is unset, and stays a development deployment", async () => {
    const { files, banner } = await reactFilesOf({ NODE_ENV: "", DEMO_ACCOUNTS: "" });
    expect(files).toContain("react/cjs/react.production.min.js");
    expect(files).toContain("react-dom/cjs/react-dom-server.node.production.min.js");
    expect(files.filter((file) => file.includes("development"))).toEqual([]);
    // The deployment mode is still the operator's: development, with the demo accounts of the embedded default (a
    // development deployment on a PostgreSQL server has none unless DEMO_ACCOUNTS=true).
    expect(banner).toContain("(APP_ENV=development)");
    if (serverUrl) expect(banner).not.toContain("Demo accounts");
    else expect(banner).toContain("Demo accounts (embedded default only, never in production):");
  }, 180_000);

  it("renders with React's production build in a production deployment, without demo accounts", async () => {
    const { files, banner } = await reactFilesOf({
      NODE_ENV: "production",
      DEMO_ACCOUNTS: "",
      SESSION_SECRET: "e2e-production-secret-0123456789abcdef",
      CREDENTIAL_SIGNING_KEY: JSON.stringify(generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" })),
    });
    expect(files).toContain("react/cjs/react.production.min.js");
    expect(files.filter((file) => file.includes("development"))).toEqual([]);
    expect(banner).toContain("(APP_ENV=production)");
    expect(banner).not.toContain("Demo accounts");
  }, 180_000);
});
