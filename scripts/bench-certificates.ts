// `npm run bench:certificates -- [--documents 40] [--rounds 2] [--kind full|blocs]`
//
// What it measures: certificates rendered AND stored per second through the issuing code
// (issueCertificatesForCandidacy: number allocated in its transaction, the document rendered by its template — the
// CQP certificate by default, the attestation of blocs with --kind blocs —, the PDF stored, its credential signed,
// the document and journal entry recorded), on a throwaway
// embedded database (PGlite in a temporary folder) with a local storage folder. One candidacy is taken through the
// whole lifecycle by the candidacy service and validated; it is then copied N times (--documents) in SQL, so that
// each copy is a validated candidacy the issuing has not seen (the lifecycle itself is not what is measured).
//
// Why a baseline: an absolute figure depends on the machine. So the same run also renders, with bare pdf-lib, a
// one-page A4 with the same embedded DejaVu font (subset, as the templates embed it) and a dozen lines of text, and
// stores it in the same storage folder: the least any certificate could cost. Both are run in alternating rounds
// (--rounds) so that a busy moment of the machine weighs on both. The goal is a ratio of at least 0.5.
//
// Its last line is one JSON object: {"certificates_per_s": …, "baseline_per_s": …, "ratio": …}.
// It is a benchmark, not a test: it asserts nothing about the figures and exits non-zero only on an actual error.
import "../server/load-env";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import fontkit from "@pdf-lib/fontkit";
import { sql } from "kysely";
import { PDFDocument } from "pdf-lib";
import { issueCertificatesForCandidacy } from "../app/services/certificate-issuing.server";
import { loadIssuerKey } from "../app/services/credentials/signing-key.server";
import { loadFontFiles } from "../app/services/dossier-export/fonts.server";
import { validateDecision } from "../app/services/results.server";
import { createLocalStorage } from "../app/services/storage/local";
import { parseConfig } from "../app/utils/env.server";
import { openDatabase } from "../db/connection";
import { migrateToLatest } from "../db/migrate";
import { BLOC_1, BLOC_2, BLOC_3, Lifecycle } from "../tests/integration/support/decided-candidacy";
import { CQP_CODE, createUser, seedCertifications } from "../tests/integration/support/fixtures";

const { values } = parseArgs({
  options: {
    documents: { type: "string", default: "40" },
    rounds: { type: "string", default: "2" },
    kind: { type: "string", default: "full" },
  },
});
if (values.kind !== "full" && values.kind !== "blocs") throw new Error("--kind is full or blocs");
const kind = values.kind;
const documents = Math.max(1, Number(values.documents));
const rounds = Math.max(1, Number(values.rounds));
/** Documents of each kind made before measuring: the JIT compiles the hot paths, the font and key are loaded. */
const WARM_UP = 5;

const workDir = mkdtempSync(path.join(tmpdir(), "vae-bench-certificates-"));
const cleanUp = () => rmSync(workDir, { recursive: true, force: true });
process.on("SIGINT", () => {
  cleanUp();
  process.exit(130);
});

async function main() {
  const handle = await openDatabase({ kind: "embedded" });
  try {
    const { db } = handle;
    await migrateToLatest(db);
    await seedCertifications(db);
    const storage = createLocalStorage(path.join(workDir, "files"));
    const config = parseConfig({ ...process.env, DATA_DIR: path.join(workDir, "data"), APP_ENV: "development" });
    const deps = {
      storage,
      publicUrl: "https://vae.exemple.fr",
      certifier: config.certifier,
      issuerKey: () => loadIssuerKey(config),
    };

    process.stdout.write("Setting up one validated candidacy through the lifecycle… ");
    const cast = {
      candidate: await createUser(db, "candidate", "Marie-Thérèse de La Tour d'Auvergne-Lauraguais"),
      officer: await createUser(db, "admissibility_officer"),
      staff: await createUser(db, "certifier_staff"),
      a: await createUser(db, "evaluator"),
      b: await createUser(db, "evaluator"),
    };
    const life = new Lifecycle(db, cast, Date.parse("2026-03-02T09:00:00.000Z"));
    // Every competency at 80: every bloc awarded, the full certificate; the support's default scores award bloc 1 only.
    const scores =
      kind === "full" ? Object.fromEntries([...BLOC_1, ...BLOC_2, ...BLOC_3].map((c) => [c, "80"])) : undefined;
    const model = await life.decided(CQP_CODE, scores, scores);
    const validated = await validateDecision(
      db,
      { userId: cast.staff, role: "certifier_staff" },
      model,
      new Date(life.tick()),
    );
    if (!validated.ok) throw new Error(validated.message);
    // Copies of the validated candidacy: no request year (the R335-7 index), the same snapshot and candidate.
    const copies = await sql<{ id: string }>`
      insert into candidacies (candidate_id, certification_id, referential_version_id, target_bloc_codes, state,
        snapshot, machine_version, request_year, requested_at)
      select candidate_id, certification_id, referential_version_id, target_bloc_codes, state, snapshot,
        machine_version, null, requested_at
      from candidacies, generate_series(1, ${documents * rounds + WARM_UP}) where id = ${model}::uuid
      returning id`.execute(db);
    const queue = copies.rows.map((r) => r.id);
    console.log(`done (${queue.length} copies).`);

    // Warm-up: the font files, the parsed font and the signing key are loaded once per process, as in the portal.
    for (let i = 0; i < WARM_UP; i++) await issueCertificatesForCandidacy(db, deps, queue.shift()!);
    const fonts = await loadFontFiles();
    let baselineCount = 0;
    const baselineOnce = async () => {
      const doc = await PDFDocument.create();
      doc.registerFontkit(fontkit);
      const font = await doc.embedFont(fonts.regular, { subset: true });
      const page = doc.addPage([595.28, 841.89]);
      const lines = [
        "Certificat de Qualification Professionnelle",
        "Commercial sédentaire du secteur alimentaire",
        "Délivré à Marie-Thérèse de La Tour d'Auvergne-Lauraguais",
        "Bloc 1 — Prospecter et fidéliser la clientèle",
        "Bloc 2 — Négocier et vendre",
        "Bloc 3 — Gérer les commandes clients et la livraison des produits",
        "Numéro CSA-2026-000042 · code 7KQ2-M9XD-4TPA-R3WB-HC",
        "https://vae.exemple.fr/verifier/7KQ2-M9XD-4TPA-R3WB-HC",
        "Fait à Paris, le 30 novembre 2026",
        "Organisme certificateur de la Filière Alimentaire",
        "Łukasz Żółć · Ἀλέξανδρος · Nguyễn Thị Minh Khai",
        "Document vérifiable en ligne",
      ];
      for (const [i, text] of lines.entries()) page.drawText(text, { x: 56, y: 780 - i * 22, size: 12, font });
      const bytes = await doc.save({ useObjectStreams: false });
      await storage.put(`bench/baseline-${baselineCount++}.pdf`, Readable.from([Buffer.from(bytes)]), {
        contentType: "application/pdf",
        contentLength: bytes.byteLength,
      });
    };
    for (let i = 0; i < WARM_UP; i++) await baselineOnce();

    let issuedTime = 0;
    let baselineTime = 0;
    for (let round = 0; round < rounds; round++) {
      let started = performance.now();
      for (let i = 0; i < documents; i++) {
        const outcome = await issueCertificatesForCandidacy(db, deps, queue.shift()!);
        if (!outcome.issued || !outcome.recorded || outcome.kind !== kind) throw new Error("A copy was not issued");
      }
      issuedTime += performance.now() - started;
      started = performance.now();
      for (let i = 0; i < documents; i++) await baselineOnce();
      baselineTime += performance.now() - started;
    }
    const total = documents * rounds;
    const certificatesPerSecond = total / (issuedTime / 1000);
    const baselinePerSecond = total / (baselineTime / 1000);
    const stored = await db
      .selectFrom("certificate_documents")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    console.log(
      `Issued ${total} ${kind === "full" ? "CQP certificates" : "attestations of blocs"} through the issuing code (${Number(stored.n) - WARM_UP} measured documents recorded): ` +
        `${certificatesPerSecond.toFixed(1)}/s, ${(issuedTime / total).toFixed(1)} ms each.`,
    );
    console.log(
      `Bare pdf-lib one-page A4, same DejaVu font, stored: ${baselinePerSecond.toFixed(1)}/s, ` +
        `${(baselineTime / total).toFixed(1)} ms each.`,
    );
    const round2 = (n: number) => Math.round(n * 100) / 100;
    console.log(
      JSON.stringify({
        certificates_per_s: round2(certificatesPerSecond),
        baseline_per_s: round2(baselinePerSecond),
        ratio: round2(certificatesPerSecond / baselinePerSecond),
      }),
    );
  } finally {
    await handle.close();
    cleanUp();
  }
}

main().catch((error) => {
  console.error(error);
  cleanUp();
  process.exit(1);
});
