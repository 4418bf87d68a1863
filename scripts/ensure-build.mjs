// Builds the portal when there is no build yet or when a source file is newer than it, so that `npm start` works
// on a fresh clone and after a pull without a separate build step.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const marker = path.join(root, "build/server/index.js");

function newestMtime(entry) {
  const full = path.join(root, entry);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(full)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

const sources = ["app", "db", "workflows", "templates", "vite.config.ts", "remix.config.js", "package-lock.json"];
const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
const newestSource = Math.max(...sources.map(newestMtime));
if (built < newestSource) {
  console.log(built ? "Sources changed since the last build: rebuilding…" : "No build yet: building the portal…");
  execSync("npx remix vite:build", { cwd: root, stdio: "inherit" });
}
