// One process at a time on an embedded (PGlite) data folder: a lock file beside the folder names its holder (pid,
// host, start time). Two PGlite instances on one folder each keep their own copy in memory and silently lose each
// other's writes, so a second opener is refused with a message saying what to do (docs/decisions/013).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { loggerFor } from "../app/utils/logger.server";

export interface LockHolder {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO 8601). */
  since: string;
  /** The script the holder runs (e.g. server/index.ts), never its arguments: they may carry a password. */
  command: string;
  /** Linux only: the kernel's boot id and the holder's start time in clock ticks, to tell a reused pid apart. */
  bootId?: string;
  startTicks?: string;
}

export interface DataFolderLock {
  /** The lock file: `<data folder>.lock`, beside the folder so that dumps and restores of the folder never see it. */
  readonly path: string;
  /** The holder a stale lock was taken over from, if any (its process was gone). */
  readonly tookOverFrom: LockHolder | null;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

/** Someone else holds the data folder; `message` is the bilingual text to show as it is. */
export class DataFolderLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    /** null when the lock file could not be read (being written, or damaged). */
    readonly holder: LockHolder | null,
  ) {
    super(lockedMessage(dataDir, lockPath, holder));
    this.name = "DataFolderLockedError";
  }
}

export function lockPathFor(dataDir: string): string {
  return `${path.resolve(dataDir)}.lock`;
}

// The locks this process holds, by lock path, with the exact text written. On globalThis because the server entry
// and the Remix bundle each load their own copy of this module (as app/utils/db.server.ts explains).
const registryKey = Symbol.for("vae-portal.data-folder-locks");
type Registry = { held: Map<string, string>; exitHookInstalled: boolean };
const globals = globalThis as typeof globalThis & { [registryKey]?: Registry };
globals[registryKey] ??= { held: new Map(), exitHookInstalled: false };
const registry: Registry = globals[registryKey];

/** A lock file younger than this that cannot be parsed is taken as being written by its holder right now. */
const UNREADABLE_GRACE_MS = 10_000;

/**
 * Takes the data folder for this process, or throws DataFolderLockedError naming the process that has it. A lock
 * left by a process that no longer runs (killed, machine restarted) is taken over, with a warning in the log.
 */
export function acquireDataFolderLock(dataDir: string): DataFolderLock {
  const folder = path.resolve(dataDir);
  const lockPath = lockPathFor(folder);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  const content = JSON.stringify(currentHolder(), null, 2) + "\n";
  let tookOverFrom: LockHolder | null = null;

  // A few rounds at most: each one either wins the lock, refuses, or clears a stale lock that another process may
  // then win first.
  for (let round = 0; round < 5; round++) {
    if (createExclusively(lockPath, content)) {
      registry.held.set(lockPath, content);
      installExitHook();
      return { path: lockPath, tookOverFrom, release: () => release(lockPath, content) };
    }
    const existing = readLockFile(lockPath);
    if (!existing) continue; // released meanwhile: try again
    if (existing.holder) {
      if (holderIsAlive(existing.holder, lockPath)) throw new DataFolderLockedError(folder, lockPath, existing.holder);
    } else if (Date.now() - existing.mtimeMs < UNREADABLE_GRACE_MS) {
      throw new DataFolderLockedError(folder, lockPath, null);
    }
    if (removeIfUnchanged(lockPath, existing.raw)) {
      tookOverFrom = existing.holder;
      loggerFor("data-folder-lock").warn(
        {
          lock: lockPath,
          previousPid: existing.holder?.pid,
          previousHost: existing.holder?.host,
          previousSince: existing.holder?.since,
        },
        "Took over a stale lock on the embedded data folder: its process no longer runs",
      );
    }
  }
  throw new DataFolderLockedError(folder, lockPath, readLockFile(lockPath)?.holder ?? null);
}

function currentHolder(): LockHolder {
  const script = process.argv[1] ?? "node";
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: `${path.basename(path.dirname(script))}/${path.basename(script)}`,
  };
  const bootId = readBootId();
  const startTicks = startTicksOf(process.pid);
  if (bootId && startTicks) Object.assign(holder, { bootId, startTicks });
  return holder;
}

/**
 * Creates the lock file with its whole content in one step: written under a private name, then hard-linked to the
 * lock's name, which fails if the name exists. A reader never sees a half-written lock. Where hard links are not
 * supported, an exclusive create ('wx') does the same job with a short window in which the file is empty.
 */
function createExclusively(lockPath: string, content: string): boolean {
  const temporary = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  fs.writeFileSync(temporary, content, { mode: 0o644 });
  try {
    fs.linkSync(temporary, lockPath);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(errorCode(error) ?? "")) throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
  try {
    fs.writeFileSync(lockPath, content, { flag: "wx", mode: 0o644 });
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
}

function readLockFile(lockPath: string): { raw: string; holder: LockHolder | null; mtimeMs: number } | null {
  try {
    const raw = fs.readFileSync(lockPath, "utf8");
    const mtimeMs = fs.statSync(lockPath).mtimeMs;
    return { raw, holder: parseHolder(raw), mtimeMs };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return null;
    throw error;
  }
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (!Number.isInteger(value.pid) || value.pid! <= 0 || typeof value.host !== "string") return null;
    return {
      pid: value.pid!,
      host: value.host,
      since: String(value.since ?? ""),
      command: String(value.command ?? ""),
      ...(typeof value.bootId === "string" && typeof value.startTicks === "string"
        ? { bootId: value.bootId, startTicks: value.startTicks }
        : {}),
    };
  } catch {
    return null;
  }
}

function holderIsAlive(holder: LockHolder, lockPath: string): boolean {
  // Another machine's processes cannot be seen from here (a folder on a shared disk): never take its lock.
  if (holder.host !== hostname()) return true;
  const bootId = readBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return false; // the machine restarted since
  // Our own pid: a lock of this process, or of a previous life of a container that reuses the same pid.
  if (holder.pid === process.pid) return registry.held.has(lockPath);
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (errorCode(error) === "ESRCH") return false;
    // EPERM: it runs, under another user.
  }
  if (holder.startTicks) {
    const ticks = startTicksOf(holder.pid);
    if (ticks && ticks !== holder.startTicks) return false; // the pid now belongs to another process
  }
  return true;
}

/**
 * Removes a stale lock, unless another process replaced it after we read it: the lock is moved aside (only one
 * process can), and put back if what was moved is not what we judged stale.
 */
function removeIfUnchanged(lockPath: string, staleContent: string): boolean {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString("hex")}.stale`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
  try {
    if (fs.readFileSync(aside, "utf8") === staleContent) return true;
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // Someone took the name meanwhile: theirs stands.
    }
    return false;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function release(lockPath: string, content: string): void {
  if (registry.held.get(lockPath) !== content) return;
  registry.held.delete(lockPath);
  try {
    if (fs.readFileSync(lockPath, "utf8") === content) fs.rmSync(lockPath, { force: true });
  } catch {
    // Already gone.
  }
}

// A process that exits without closing its database (process.exit, an uncaught error) still frees the folder. A
// process killed outright leaves its lock, which the next opener finds stale.
function installExitHook(): void {
  if (registry.exitHookInstalled) return;
  registry.exitHookInstalled = true;
  process.on("exit", () => {
    for (const [lockPath, content] of [...registry.held]) release(lockPath, content);
  });
}

function readBootId(): string | undefined {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/<pid>/stat: the process's start time after boot, in clock ticks (Linux). */
function startTicksOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may contain spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function lockedMessage(dataDir: string, lockPath: string, holder: LockHolder | null): string {
  const sameHost = !holder || holder.host === hostname();
  const who = holder
    ? `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ""}${sameHost ? "" : ` on host ${holder.host}`}, since ${holder.since}`
    : "a process that is opening it right now";
  const qui = holder
    ? `pid ${holder.pid}${holder.command ? ` (${holder.command})` : ""}${sameHost ? "" : ` sur la machine ${holder.host}`}, depuis ${holder.since}`
    : "un processus qui est en train de l'ouvrir";
  const english = [
    `The embedded database in ${dataDir} is already open in another process: ${who}.`,
    "Only one process at a time may open it (two would lose each other's data), so nothing was done.",
    "What to do:",
    `  - stop the portal (Ctrl+C in its terminal${holder && sameHost ? `, or kill ${holder.pid}` : ""}), then run this command again;`,
    "  - or, while the portal runs, create accounts from its admin page /admin/comptes/nouveau;",
    "  - to run a second portal, give it another DATA_DIR.",
  ];
  const french = [
    `La base de données embarquée dans ${dataDir} est déjà ouverte par un autre processus : ${qui}.`,
    "Un seul processus à la fois peut l'ouvrir (à deux, les données de l'un écraseraient celles de l'autre) : rien n'a été fait.",
    "Que faire :",
    `  - arrêtez le portail (Ctrl+C dans son terminal${holder && sameHost ? `, ou kill ${holder.pid}` : ""}), puis relancez cette commande ;`,
    "  - ou, pendant que le portail tourne, créez les comptes depuis sa page d'administration /admin/comptes/nouveau ;",
    "  - pour lancer un second portail, donnez-lui un autre DATA_DIR.",
  ];
  if (!sameHost) {
    english.push(`If no process uses this folder on ${holder!.host} any more, delete ${lockPath}.`);
    french.push(`Si plus aucun processus n'utilise ce dossier sur ${holder!.host}, supprimez ${lockPath}.`);
  }
  return [...english, "", ...french].join("\n");
}
