import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { INDEX_FILE_NAME, entryNames, indexCsv, streamEvidenceZip } from "./evidence-zip.server";
import type { EvidenceItem } from "./model";
import { evidence, memoryStore, sampleModel, sha256 } from "./test-fixtures";

interface ReadEntry {
  name: string;
  utf8Flag: boolean;
  compressed: boolean;
  bytes: Buffer;
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every entry of the archive, read back with yauzl (which checks sizes and CRC-32 of each entry). */
function unzip(archive: Buffer): Promise<ReadEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(archive, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (error, zip) => {
      if (error) return reject(error);
      const entries: ReadEntry[] = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(entries));
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (openError, stream) => {
          if (openError) return reject(openError);
          collect(stream).then((bytes) => {
            entries.push({
              name: entry.fileName,
              utf8Flag: (entry.generalPurposeBitFlag & 0x800) !== 0,
              compressed: entry.compressionMethod !== 0,
              bytes,
            });
            zip.readEntry();
          }, reject);
        });
      });
      zip.readEntry();
    });
  });
}

function indexRows(entries: ReadEntry[]): string[][] {
  const index = entries.find((entry) => entry.name === INDEX_FILE_NAME)!;
  const text = index.bytes.toString("utf8");
  expect(text.startsWith("\ufeff")).toBe(true);
  return text
    .slice(1)
    .trimEnd()
    .split("\r\n")
    .map((line) =>
      line
        .slice(1, -1)
        .split('";"')
        .map((field) => field.replace(/""/g, '"')),
    );
}

function setup(pieces: Array<{ item: EvidenceItem; bytes?: Uint8Array }>, options?: Parameters<typeof memoryStore>[1]) {
  const files = new Map<string, Uint8Array>();
  for (const { item, bytes } of pieces) if (bytes) files.set(item.storageKey, bytes);
  const model = sampleModel({ evidence: pieces.map(({ item }) => item) });
  return { model, ...memoryStore(files, options) };
}

describe("streamEvidenceZip", () => {
  it("streams every piece under its numbered name, byte for byte, with a UTF-8 index", async () => {
    const big = randomBytes(300_000);
    const text = Buffer.from("Attestation de l'employeur\n".repeat(2000));
    const photo = randomBytes(5_000);
    const pieces = [
      { item: evidence(1, { bytes: big, originalName: "relevé d'activité 2025.pdf" }), bytes: big },
      { item: evidence(2, { bytes: text, originalName: "../../etc/passwd", mediaType: "text/plain" }), bytes: text },
      {
        item: evidence(10, {
          bytes: photo,
          originalName: "Vitrine 🧀 «Noël».jpg",
          mediaType: "image/jpeg",
          caption: '=HYPERLINK("x")',
        }),
        bytes: photo,
      },
    ];
    const { model, openObject, state } = setup(pieces, { chunkSize: 8 * 1024 });

    const entries = await unzip(await collect(streamEvidenceZip(model, openObject)));

    expect(entries.map((entry) => entry.name)).toEqual([
      "Pièce 01 - relevé d'activité 2025.pdf",
      "Pièce 02 - _.._etc_passwd",
      "Pièce 10 - Vitrine 🧀 «Noël».jpg",
      "index.csv",
    ]);
    expect(entries.every((entry) => entry.utf8Flag)).toBe(true);
    expect(entries[0]!.bytes.equals(big)).toBe(true);
    expect(entries[1]!.bytes.equals(text)).toBe(true);
    expect(entries[2]!.bytes.equals(photo)).toBe(true);
    // JPEG is stored as is; text is deflated.
    expect(entries[2]!.compressed).toBe(false);
    expect(entries[1]!.compressed).toBe(true);

    const rows = indexRows(entries);
    expect(rows[0]).toEqual([
      "Pièce",
      "Fichier dans l'archive",
      "Nom d'origine",
      "Légende",
      "Compétences",
      "Critères",
      "Type",
      "Taille (octets)",
      "SHA-256 enregistré",
      "État",
    ]);
    expect(rows[1]).toEqual([
      "1",
      "Pièce 01 - relevé d'activité 2025.pdf",
      "relevé d'activité 2025.pdf",
      "Légende de la pièce 1",
      "C1.1",
      "",
      "application/pdf",
      "300000",
      sha256(big),
      "incluse",
    ]);
    expect(rows[3]![3]).toBe(`'=HYPERLINK("x")`);
    expect(rows).toHaveLength(4);

    // One stored file open at a time, in the order of the pieces.
    expect(state.maxOpen).toBe(1);
    expect(state.opened).toEqual(pieces.map(({ item }) => item.storageKey));
  });

  it("leaves out a piece with no stored object, says so in the index, and the archive stays readable", async () => {
    const first = Buffer.from("%PDF-1.7 première");
    const third = Buffer.from("%PDF-1.7 troisième");
    const { model, openObject } = setup([
      { item: evidence(1, { bytes: first }), bytes: first },
      { item: evidence(2, { originalName: "perdu.pdf" }) },
      { item: evidence(3, { bytes: third }), bytes: third },
    ]);

    const entries = await unzip(await collect(streamEvidenceZip(model, openObject)));

    expect(entries.map((entry) => entry.name)).toEqual([
      "Pièce 01 - piece-1.pdf",
      "Pièce 03 - piece-3.pdf",
      "index.csv",
    ]);
    expect(entries[1]!.bytes.equals(third)).toBe(true);
    const missing = indexRows(entries)[2]!;
    expect(missing.slice(0, 3)).toEqual(["2", "", "perdu.pdf"]);
    expect(missing[9]).toMatch(/^absente : le fichier est introuvable/);
  });

  it("flags in the index a stored file whose SHA-256 is not the one recorded at submission", async () => {
    const bytes = Buffer.from("contenu modifié depuis le dépôt");
    const { model, openObject } = setup([{ item: evidence(1, { bytes: Buffer.from("contenu déposé") }), bytes }]);

    const entries = await unzip(await collect(streamEvidenceZip(model, openObject)));

    expect(entries[0]!.bytes.equals(bytes)).toBe(true);
    expect(indexRows(entries)[1]![9]).toBe(
      `incluse, mais son empreinte SHA-256 (${sha256(bytes)}) diffère de celle enregistrée au dépôt`,
    );
  });

  it("an empty version gives an archive with only the index", async () => {
    const entries = await unzip(await collect(streamEvidenceZip(sampleModel(), memoryStore(new Map()).openObject)));
    expect(entries.map((entry) => entry.name)).toEqual(["index.csv"]);
    expect(indexRows(entries)).toHaveLength(1);
  });

  it("fails the stream, rather than ending a truncated archive, when storage fails in the middle of a file", async () => {
    const bytes = randomBytes(100_000);
    const item = evidence(1, { bytes });
    const { model, openObject } = setup([{ item, bytes }], { chunkSize: 4096, failKeys: new Set([item.storageKey]) });

    await expect(collect(streamEvidenceZip(model, openObject))).rejects.toThrow("connection reset");
  });

  it("fails the stream when opening a stored file fails", async () => {
    const model = sampleModel({ evidence: [evidence(1)] });
    const stream = streamEvidenceZip(model, async () => {
      throw new Error("S3 unavailable");
    });
    await expect(collect(stream)).rejects.toThrow("S3 unavailable");
  });

  it("stops reading storage when the client goes away", async () => {
    const pieces = [1, 2, 3].map((n) => {
      const bytes = randomBytes(400_000);
      return { item: evidence(n, { bytes, mediaType: "image/png" }), bytes };
    });
    const { model, openObject, state } = setup(pieces, { chunkSize: 16 * 1024 });
    const stream = streamEvidenceZip(model, openObject);

    await new Promise<void>((resolve) => {
      let received = 0;
      stream.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > 100_000) {
          stream.destroy();
          resolve();
        }
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(state.opened).toEqual([pieces[0]!.item.storageKey]);
    expect(state.destroyed).toBe(1);
    expect(state.open).toBe(0);
  });
});

describe("entryNames", () => {
  it("pads numbers to the widest, keeps names unique whatever their case, and fits 240 UTF-8 bytes", () => {
    const long = `${"é".repeat(300)}.pdf`;
    const pieces = [
      evidence(1, { originalName: "Photo.JPG" }),
      evidence(1, { originalName: "photo.jpg" }),
      evidence(120, { originalName: long }),
      evidence(7, { originalName: "   " }),
    ];
    const names = [...entryNames(pieces).values()];
    expect(names[0]).toBe("Pièce 001 - Photo.JPG");
    expect(names[1]).toBe("Pièce 001 - photo (2).jpg");
    expect(Buffer.byteLength(names[2]!)).toBeLessThanOrEqual(240);
    expect(names[2]).toMatch(/^Pièce 120 - é+\.pdf$/);
    expect(names[3]).toBe("Pièce 007 - fichier");
  });
});

describe("indexCsv", () => {
  it("quotes every field and doubles quotes inside", () => {
    const csv = indexCsv([
      { piece: evidence(1, { caption: 'Dit "bonjour"; puis\nau revoir' }), name: "a", status: "incluse" },
    ]).toString("utf8");
    expect(csv).toContain('"Dit ""bonjour""; puis\nau revoir"');
    expect(csv.endsWith("\r\n")).toBe(true);
  });
});
