// Files in a folder (DATA_DIR/files by default): the object "candidacies/42/evidence/ab12" is the file
// <root>/candidacies/42/evidence/ab12, its content type sits beside it in "ab12~meta.json". A put streams into a
// temporary file in the same folder, then renames it over the key: readers see the old file or the new one, never
// half of one. Names holding "~" (temporary files, sidecars) cannot be keys, so they never show up in a listing;
// removeLeftovers deletes those a killed process left behind.
import { randomBytes } from "node:crypto";
import { type WriteStream, constants, createWriteStream } from "node:fs";
import { copyFile, mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ByteCounter, toReadable } from "./body";
import {
  type ListedObject,
  type ObjectStorage,
  ObjectNotFoundError,
  type PutOptions,
  type StoredObjectInfo,
  assertValidContentType,
  assertValidKey,
  assertValidPrefix,
  isValidKey,
} from "./types";

const META_SUFFIX = "~meta.json";
/** The temporary files of a put or a copy: ".<name>~<16 hex>.tmp" (the content) and ".meta" (its content type). */
const TEMPORARY_FILE = /^\..*~[0-9a-f]{16}\.(?:tmp|meta)$/;
const DEFAULT_CONTENT_TYPE = "application/octet-stream";
// A key that is a missing file, a folder, or below a file: there is no object there.
const ABSENT = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

const code = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code;

export class LocalStorage implements ObjectStorage {
  readonly kind = "local" as const;

  constructor(readonly root: string) {
    this.root = path.resolve(root);
  }

  /** The file of a key (the key is checked first: it can never point outside the root). */
  pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split("/"));
  }

  async put(key: string, body: Readable | AsyncIterable<Uint8Array>, options: PutOptions): Promise<{ size: number }> {
    const file = this.pathOf(key);
    assertValidContentType(options.contentType);
    const counter = new ByteCounter(options.contentLength);
    const source = toReadable(body);
    const temp = `${path.join(path.dirname(file), "." + path.basename(file))}~${randomBytes(8).toString("hex")}`;
    let out: WriteStream | undefined;
    try {
      options.signal?.throwIfAborted();
      await mkdir(path.dirname(file), { recursive: true }).catch((error) => {
        throw conflict(key, error);
      });
      // flush: the data reaches the disk before the rename makes it visible.
      out = createWriteStream(`${temp}.tmp`, { flags: "wx", mode: 0o640, flush: true });
      await pipeline(source, counter, out, { signal: options.signal });
      await writeFile(`${temp}.meta`, JSON.stringify({ contentType: options.contentType }) + "\n", {
        flag: "wx",
        mode: 0o640,
      });
      options.signal?.throwIfAborted();
      await rename(`${temp}.meta`, file + META_SUFFIX);
      await rename(`${temp}.tmp`, file).catch((error) => {
        throw conflict(key, error);
      });
    } catch (error) {
      source.destroy();
      // The temporary file may still be opening: remove it once the stream has let go of it.
      const stream = out;
      if (stream && !stream.closed) await new Promise<void>((resolve) => stream.once("close", () => resolve()));
      await Promise.all([rm(`${temp}.tmp`, { force: true }), rm(`${temp}.meta`, { force: true })]);
      throw error;
    }
    return { size: counter.bytes };
  }

  async get(key: string): Promise<({ body: Readable } & StoredObjectInfo) | null> {
    const file = this.pathOf(key);
    let handle;
    try {
      handle = await open(file, "r");
    } catch (error) {
      if (ABSENT.has(code(error)!)) return null;
      throw error;
    }
    try {
      // Size and content come from the same open file, even if a put replaces the key meanwhile.
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        return null;
      }
      const contentType = await this.readContentType(file);
      return { body: handle.createReadStream(), size: info.size, contentType };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async head(key: string): Promise<StoredObjectInfo | null> {
    const file = this.pathOf(key);
    try {
      const info = await stat(file);
      if (!info.isFile()) return null;
      return { size: info.size, contentType: await this.readContentType(file) };
    } catch (error) {
      if (ABSENT.has(code(error)!)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    for (const target of [file, file + META_SUFFIX]) {
      try {
        await unlink(target);
      } catch (error) {
        if (!ABSENT.has(code(error)!)) throw error;
      }
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const from = this.pathOf(fromKey);
    const to = this.pathOf(toKey);
    if (!(await this.head(fromKey))) throw new ObjectNotFoundError(fromKey);
    if (from === to) return;
    const temp = `${path.join(path.dirname(to), "." + path.basename(to))}~${randomBytes(8).toString("hex")}`;
    try {
      await mkdir(path.dirname(to), { recursive: true }).catch((error) => {
        throw conflict(toKey, error);
      });
      try {
        // A copy-on-write clone where the file system offers it, a plain copy otherwise.
        await copyFile(from, `${temp}.tmp`, constants.COPYFILE_EXCL | constants.COPYFILE_FICLONE);
      } catch (error) {
        if (code(error) === "ENOENT") throw new ObjectNotFoundError(fromKey);
        throw error;
      }
      await writeFile(`${temp}.meta`, JSON.stringify({ contentType: await this.readContentType(from) }) + "\n", {
        flag: "wx",
        mode: 0o640,
      });
      await rename(`${temp}.meta`, to + META_SUFFIX);
      await rename(`${temp}.tmp`, to).catch((error) => {
        throw conflict(toKey, error);
      });
    } catch (error) {
      await Promise.all([rm(`${temp}.tmp`, { force: true }), rm(`${temp}.meta`, { force: true })]);
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ListedObject> {
    assertValidPrefix(prefix);
    // Start from the deepest folder the prefix names ("candidacies/4" → "candidacies/"), then filter by the prefix.
    const start = prefix.slice(0, prefix.lastIndexOf("/") + 1);
    yield* this.walk(start, prefix);
  }

  private async *walk(folderKey: string, prefix: string): AsyncGenerator<ListedObject> {
    let entries;
    try {
      entries = await readdir(path.join(this.root, ...folderKey.split("/").filter(Boolean)), { withFileTypes: true });
    } catch (error) {
      if (ABSENT.has(code(error)!)) return;
      throw error;
    }
    // Sorting "name/" for folders gives the byte order of whole keys ("a-b" < "a/x" < "a0"), as S3 lists them.
    const sorted = entries
      .filter((entry) => (entry.isFile() || entry.isDirectory()) && isValidKey(entry.name))
      .map((entry) => ({ entry, sortKey: entry.isDirectory() ? `${entry.name}/` : entry.name }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const { entry } of sorted) {
      const key = folderKey + entry.name;
      if (entry.isDirectory()) {
        const sub = `${key}/`;
        if (sub.startsWith(prefix) || prefix.startsWith(sub)) yield* this.walk(sub, prefix);
      } else if (key.startsWith(prefix)) {
        const info = await stat(path.join(this.root, ...key.split("/"))).catch((error) => {
          if (ABSENT.has(code(error)!)) return null; // deleted while listing
          throw error;
        });
        if (info?.isFile()) yield { key, size: info.size, lastModified: info.mtime };
      }
    }
  }

  /**
   * Deletes what interrupted puts and copies left in the folder (a process killed mid-write never reaches its
   * clean-up): temporary files, and content-type sidecars whose file never arrived, last modified before olderThan.
   * A put in progress writes its temporary file at every chunk, so a grace longer than any pause keeps it safe.
   * Answers the paths removed, relative to the root.
   */
  async removeLeftovers(olderThan: Date): Promise<string[]> {
    const removed: string[] = [];
    const visit = async (folder: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(folder, { withFileTypes: true });
      } catch (error) {
        if (ABSENT.has(code(error)!)) return;
        throw error;
      }
      for (const entry of entries) {
        const file = path.join(folder, entry.name);
        if (entry.isDirectory()) {
          await visit(file);
          continue;
        }
        if (!entry.isFile()) continue;
        const temporary = TEMPORARY_FILE.test(entry.name);
        const strayMeta =
          !temporary && entry.name.endsWith(META_SUFFIX) && !(await exists(file.slice(0, -META_SUFFIX.length)));
        if (!temporary && !strayMeta) continue;
        const info = await stat(file).catch(() => null);
        if (!info || info.mtime >= olderThan) continue;
        try {
          await unlink(file);
          removed.push(path.relative(this.root, file).split(path.sep).join("/"));
        } catch (error) {
          // Renamed into place or removed by its own put meanwhile: nothing left to do.
          if (!ABSENT.has(code(error)!)) throw error;
        }
      }
    };
    await visit(this.root);
    return removed;
  }

  private async readContentType(file: string): Promise<string> {
    try {
      const meta = JSON.parse(await readFile(file + META_SUFFIX, "utf8")) as { contentType?: unknown };
      return typeof meta.contentType === "string" ? meta.contentType : DEFAULT_CONTENT_TYPE;
    } catch (error) {
      if (ABSENT.has(code(error)!) || error instanceof SyntaxError) return DEFAULT_CONTENT_TYPE;
      throw error;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (ABSENT.has(code(error)!)) return false;
    throw error;
  }
}

/** A key whose path is also a folder of other keys (or under another key's file) cannot be stored in a folder. */
function conflict(key: string, error: unknown): unknown {
  if (["EEXIST", "ENOTDIR", "EISDIR", "ENOTEMPTY"].includes(code(error) ?? "")) {
    return new Error(
      `Cannot store "${key}" in the local folder: the key is also the folder of other keys, or lies below another key`,
      {
        cause: error,
      },
    );
  }
  return error;
}

export function createLocalStorage(root: string): LocalStorage {
  return new LocalStorage(root);
}
