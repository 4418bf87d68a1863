// The temporary files an upload writes while it cannot yet tell a file's type (a ZIP that may be a DOCX or an XLSX:
// see receive-upload.server.ts), and the sweep of those a killed process left behind. Their names are recognisable,
// so the sweep never touches anything else in a shared folder such as the system's temporary directory.
import { randomBytes } from "node:crypto";
import { readdir, stat, unlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const SPOOL_FILE = /^vae-upload-[0-9a-f]{32}\.part$/;

/** Where uploads spool by default: the system's temporary directory (TMPDIR). */
export function defaultSpoolDirectory(): string {
  return tmpdir();
}

/** A new spool file's path in the folder. */
export function newSpoolFile(directory: string): string {
  return path.join(directory, `vae-upload-${randomBytes(16).toString("hex")}.part`);
}

/**
 * Deletes the spool files of the folder last modified before olderThan: an upload in progress writes its file as
 * the bytes arrive and deletes it as soon as it is stored, so an old one belongs to a process that died. Answers the
 * names removed.
 */
export async function removeSpoolLeftovers(directory: string, olderThan: Date): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(directory);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const removed: string[] = [];
  for (const name of names.filter((n) => SPOOL_FILE.test(n))) {
    const file = path.join(directory, name);
    try {
      const info = await stat(file);
      if (!info.isFile() || info.mtime >= olderThan) continue;
      await unlink(file);
      removed.push(name);
    } catch (error) {
      // Removed by its own upload meanwhile.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return removed;
}
