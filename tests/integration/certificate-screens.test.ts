// The certificate pages' loaders and actions against a real database and the configured storage: the public
// verification page (same shape for valid, revoked and unknown codes, PDF and credential checks, the per-IP rate
// limit with its 429, the size cap), the downloads (holder and staff only), and the staff's revocation form with its
// French refusals. The browser journey is tests/e2e/certificates.test.ts.
import type { Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { issueCertificatesForCandidacy } from "../../app/services/certificate-issuing.server";
import { VERIFICATION_THROTTLE } from "../../app/services/public-verification.server";
import { validateDecision } from "../../app/services/results.server";
import { getStorage } from "../../app/services/storage";
import { installDatabaseHandle } from "../../app/utils/db.server";
import { startSession } from "../../app/utils/session.server";
import {
  action as revokeAction,
  loader as detailLoader,
} from "../../app/routes/certificateur.certificats.$certificateId";
import { loader as registryLoader } from "../../app/routes/certificateur.certificats._index";
import { loader as candidatePageLoader } from "../../app/routes/candidat.certifications";
import { loader as credentialLoader } from "../../app/routes/certificats.$certificateId.credential";
import { loader as pdfLoader } from "../../app/routes/certificats.$certificateId.pdf";
import { action as verifyAction, loader as verifyLoader } from "../../app/routes/verifier.$code";
import { loader as verifyHomeLoader } from "../../app/routes/verifier._index";
import type { Database } from "../../db/schema";
import { PUBLIC_VERIFICATION_FIELDS } from "../../app/services/certificate-verification.server";
import { type Cast, Lifecycle } from "./support/decided-candidacy";
import { CQP_CODE, createUser, seedCertifications } from "./support/fixtures";
import { issuingDeps } from "./support/certificates";
import { type TestDatabase, createTestDatabase, truncateAll } from "./support/test-database";

let testDb: TestDatabase;
let db: Kysely<Database>;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.handle.db;
  installDatabaseHandle(testDb.handle);
});
afterAll(async () => {
  await testDb?.drop();
});

let cast: Cast;
let otherCandidate: string;
let certificateId: string;
let code: string;
let pdf: Uint8Array<ArrayBuffer>;
let jwt: string;
let ipCounter = 0;
/** A fresh client address per test, so that the rate limit of one test does not spill into another. */
const freshIp = () => `198.51.100.${++ipCounter}`;

beforeEach(async () => {
  await truncateAll(testDb.handle);
  await seedCertifications(db);
  cast = {
    candidate: await createUser(db, "candidate", "Łukasz Żółć-d'Alembert"),
    officer: await createUser(db, "admissibility_officer"),
    staff: await createUser(db, "certifier_staff", "Claire Certificatrice"),
    a: await createUser(db, "evaluator", "Évaluatrice Alpha"),
    b: await createUser(db, "evaluator", "Évaluateur Bravo"),
  };
  otherCandidate = await createUser(db, "candidate", "Autre Candidate");
  const life = new Lifecycle(db, cast, Date.parse("2026-03-02T09:00:00.000Z"));
  const id = await life.decided(CQP_CODE);
  const validated = await validateDecision(
    db,
    { userId: cast.staff, role: "certifier_staff" },
    id,
    new Date(life.tick()),
  );
  if (!validated.ok) throw new Error(validated.message);
  const issued = await issueCertificatesForCandidacy(db, issuingDeps(getStorage()), id);
  if (!issued.issued) throw new Error(`not issued: ${issued.reason}`);
  certificateId = issued.certificateId;
  const row = await db
    .selectFrom("certificates")
    .select("verification_code")
    .where("id", "=", certificateId)
    .executeTakeFirstOrThrow();
  code = row.verification_code;
  const document = await db
    .selectFrom("certificate_documents")
    .select(["storage_key", "credential_jwt"])
    .where("certificate_id", "=", certificateId)
    .executeTakeFirstOrThrow();
  const stored = await getStorage().get(document.storage_key);
  const chunks: Buffer[] = [];
  for await (const chunk of stored!.body as AsyncIterable<Buffer>) chunks.push(chunk);
  pdf = new Uint8Array(Buffer.concat(chunks));
  jwt = document.credential_jwt;
});

async function signedIn(userId: string, url: string, init: RequestInit = {}) {
  const setCookie = await startSession(new Request(url), userId, { ip: "127.0.0.1" });
  return new Request(url, { ...init, headers: { ...(init.headers ?? {}), Cookie: setCookie.split(";")[0]! } });
}

async function thrownBy(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  throw new Error("expected a thrown Response");
}

const BASE = "http://localhost";
const context = { clientIp: "127.0.0.1" };

async function verifyPage(codeParam: string, ip = freshIp()) {
  const response = (await verifyLoader({
    request: new Request(`${BASE}/verifier/${codeParam}`),
    params: { code: codeParam },
    context: { clientIp: ip },
  })) as Response;
  return { response, body: (await response.json()) as { code: string; verification: Record<string, unknown> } };
}

async function submit(fields: Record<string, string | Blob>, ip = freshIp(), codeParam = code) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  const response = (await verifyAction({
    request: new Request(`${BASE}/verifier/${codeParam}`, { method: "POST", body: form }),
    params: { code: codeParam },
    context: { clientIp: ip },
  })) as Response;
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe(`certificate pages (${process.env.DATABASE_URL ? "PostgreSQL server" : "PGlite"})`, () => {
  it("answers a valid code with the documented facts only, not indexed nor cached, and an unknown one with the same shape", async () => {
    const valid = await verifyPage(code.toLowerCase());
    expect(valid.response.headers.get("X-Robots-Tag")).toBe("noindex");
    expect(valid.response.headers.get("Cache-Control")).toBe("no-store");
    expect(valid.body.verification).toMatchObject({
      status: "valid",
      holderName: "Łukasz Żółć-d'Alembert",
      kind: "blocs",
    });
    expect(Object.keys(valid.body.verification).sort()).toEqual([...PUBLIC_VERIFICATION_FIELDS].sort());
    expect(JSON.stringify(valid.body)).not.toMatch(/@|exemple\.fr|Évaluat|candidacy|candidate/i);

    const unknown = await verifyPage("ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ");
    expect(unknown.response.status).toBe(200);
    expect(unknown.body.verification.status).toBe("unknown");
    expect(Object.keys(unknown.body.verification).sort()).toEqual(Object.keys(valid.body.verification).sort());
    const garbage = await verifyPage("%3Cscript%3E".repeat(20));
    expect(garbage.body.verification.status).toBe("unknown");
  });

  it("sends a typed code from /verifier to its page", async () => {
    const thrown = await thrownBy(
      verifyHomeLoader({
        request: new Request(`${BASE}/verifier?code=${encodeURIComponent(` ${code} `)}`),
        params: {},
        context,
      }),
    );
    expect(thrown.status).toBe(302);
    expect(thrown.headers.get("Location")).toBe(`/verifier/${code}`);
    expect(await verifyHomeLoader({ request: new Request(`${BASE}/verifier`), params: {}, context })).toBeNull();
  });

  it(`refuses the ${VERIFICATION_THROTTLE.perIp + 1}th look-up from one address in the window with a 429, not another address's`, async () => {
    const ip = freshIp();
    for (let i = 0; i < VERIFICATION_THROTTLE.perIp; i++) {
      const { response } = await verifyPage(i % 2 ? code : `NOPE${i}`, ip);
      expect(response.status).toBe(200);
    }
    const refused = await thrownBy(
      verifyLoader({ request: new Request(`${BASE}/verifier/${code}`), params: { code }, context: { clientIp: ip } }),
    );
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toMatch(/Trop de vérifications/);
    // Uploads count too.
    expect((await submit({ intent: "credential", credential: jwt }, ip)).status).toBe(429);
    expect((await verifyPage(code)).response.status).toBe(200);
  });

  it("tells the issued PDF from a copy with one byte changed, and refuses what is not a PDF or too big", async () => {
    const same = await submit({ intent: "pdf", pdf: new File([pdf], "attestation.pdf", { type: "application/pdf" }) });
    expect(same).toMatchObject({
      status: 200,
      body: { intent: "pdf", pdf: { identical: true, edition: 1, duplicate: false } },
    });
    const changed = new Uint8Array(pdf) as Uint8Array<ArrayBuffer>;
    changed[Math.floor(changed.length / 2)]! ^= 0x01;
    const different = await submit({ intent: "pdf", pdf: new File([changed], "attestation.pdf") });
    expect(different.body.pdf).toMatchObject({ identical: false, edition: null });
    // The same bytes under another code are not that code's document.
    const elsewhere = await submit(
      { intent: "pdf", pdf: new File([pdf], "a.pdf") },
      freshIp(),
      "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ",
    );
    expect(elsewhere.body.pdf.identical).toBe(false);

    const notPdf = await submit({ intent: "pdf", pdf: new File(["bonjour"], "lettre.pdf") });
    expect(notPdf).toMatchObject({ status: 415, body: { error: expect.stringMatching(/n'est pas un PDF/) } });
    const none = await submit({ intent: "pdf" });
    expect(none).toMatchObject({ status: 400, body: { error: "Choisissez le fichier PDF à comparer." } });
    const huge = await submit({ intent: "pdf", pdf: new File([new Uint8Array(10 * 1024 * 1024 + 1)], "gros.pdf") });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatch(/taille maximale/);
  });

  it("checks a pasted or uploaded credential, refuses a tampered one, and stops accepting it once revoked", async () => {
    const pasted = await submit({ intent: "credential", credential: `\n${jwt}\n` });
    expect(pasted.body.credential).toMatchObject({
      signature: "valid",
      matches: true,
      verification: { status: "valid" },
    });
    const uploaded = await submit({ intent: "credential", credentialFile: new File([jwt], "attestation.jwt") });
    expect(uploaded.body.credential.matches).toBe(true);

    const [header, payload, signature] = jwt.split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
    const tampered = JSON.stringify(claims).replace("Łukasz", "Lucas");
    const forged = `${header}.${Buffer.from(tampered).toString("base64url")}.${signature}`;
    const refused = await submit({ intent: "credential", credential: forged });
    expect(refused.body.credential).toMatchObject({ signature: "invalid", matches: false });
    const garbage = await submit({ intent: "credential", credential: "pas un jeton" });
    expect(garbage.body.credential.signature).toBe("malformed");
    expect((await submit({ intent: "credential", credential: "   " })).status).toBe(400);

    const revoke = await revokeAction({
      request: await signedIn(cast.staff, `${BASE}/certificateur/certificats/${certificateId}`, {
        method: "POST",
        body: new URLSearchParams({ intent: "revoke", reason: "Fraude établie sur les pièces", confirm: "on" }),
      }),
      params: { certificateId },
      context,
    });
    expect(((await (revoke as Response).json()) as { done: string }).done).toMatch(/révoqué/);
    const after = await submit({ intent: "credential", credential: jwt });
    expect(after.body.credential).toMatchObject({
      signature: "valid",
      matches: false,
      verification: { status: "revoked" },
    });
    const page = await verifyPage(code);
    expect(page.body.verification).toMatchObject({ status: "revoked", revokedAt: expect.any(String) });
    expect(Object.keys(page.body.verification).sort()).toEqual([...PUBLIC_VERIFICATION_FIELDS].sort());
  });

  it("lets the holder and staff download the PDF and the credential, and nobody else", async () => {
    const pdfUrl = `${BASE}/certificats/${certificateId}/pdf`;
    const own = (await pdfLoader({
      request: await signedIn(cast.candidate, pdfUrl),
      params: { certificateId },
      context,
    })) as Response;
    expect(own.status).toBe(200);
    expect(own.headers.get("Content-Type")).toBe("application/pdf");
    expect(own.headers.get("Content-Disposition")).toMatch(/^attachment; filename=".+\.pdf"/);
    expect(Buffer.from(await own.arrayBuffer()).equals(Buffer.from(pdf))).toBe(true);
    const staff = (await pdfLoader({
      request: await signedIn(cast.staff, `${pdfUrl}?edition=1`),
      params: { certificateId },
      context,
    })) as Response;
    expect(staff.status).toBe(200);
    await staff.arrayBuffer();
    for (const query of ["?edition=2", "?edition=abc", "?edition=0"]) {
      const missing = await thrownBy(
        pdfLoader({ request: await signedIn(cast.staff, `${pdfUrl}${query}`), params: { certificateId }, context }),
      );
      expect(missing.status, query).toBe(404);
    }
    const credential = (await credentialLoader({
      request: await signedIn(cast.candidate, `${BASE}/certificats/${certificateId}/credential`),
      params: { certificateId },
      context,
    })) as Response;
    expect(credential.headers.get("Content-Type")).toBe("application/vc+jwt");
    expect(await credential.text()).toBe(jwt);

    for (const loader of [pdfLoader, credentialLoader]) {
      const other = await thrownBy(
        loader({ request: await signedIn(otherCandidate, pdfUrl), params: { certificateId }, context }),
      );
      expect(other.status).toBe(404);
      const evaluator = await thrownBy(
        loader({ request: await signedIn(cast.a, pdfUrl), params: { certificateId }, context }),
      );
      expect(evaluator.status).toBe(403);
      const anonymous = await thrownBy(loader({ request: new Request(pdfUrl), params: { certificateId }, context }));
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("Location")).toMatch(/^\/connexion\?redirectTo=/);
      const notAnId = await thrownBy(
        loader({ request: await signedIn(cast.staff, pdfUrl), params: { certificateId: "123" }, context }),
      );
      expect(notAnId.status).toBe(404);
    }
  });

  it("lists the candidate's blocs with their attestation, and only theirs", async () => {
    const mine = (await candidatePageLoader({
      request: await signedIn(cast.candidate, `${BASE}/candidat/certifications`),
      params: {},
      context,
    })) as Response;
    const body = (await mine.json()) as {
      certificates: { id: string }[];
      blocsHeld: { blocCode: string; certificate: { id: string } | null }[];
    };
    expect(body.certificates.map((c) => c.id)).toEqual([certificateId]);
    expect(body.blocsHeld).toEqual([
      expect.objectContaining({ blocCode: "B1", certificate: expect.objectContaining({ id: certificateId }) }),
    ]);
    const other = (await candidatePageLoader({
      request: await signedIn(otherCandidate, `${BASE}/candidat/certifications`),
      params: {},
      context,
    })) as Response;
    expect(await other.json()).toMatchObject({ certificates: [], blocsHeld: [], pending: [] });
  });

  it("refuses a revocation without a reason or confirmation in French, then once revoked refuses a second one", async () => {
    const url = `${BASE}/certificateur/certificats/${certificateId}`;
    const post = async (fields: Record<string, string>, userId = cast.staff) =>
      (await revokeAction({
        request: await signedIn(userId, url, { method: "POST", body: new URLSearchParams(fields) }),
        params: { certificateId },
        context,
      })) as Response;
    const empty = await post({ intent: "revoke", reason: "  ", confirm: "on" });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ fieldErrors: { reason: "Indiquez le motif de la révocation." } });
    const short = await post({ intent: "revoke", reason: "fraude", confirm: "on" });
    expect(((await short.json()) as { fieldErrors: { reason: string } }).fieldErrors.reason).toMatch(/au moins 10/);
    const unconfirmed = await post({ intent: "revoke", reason: "Fraude établie sur les pièces" });
    expect(await unconfirmed.json()).toMatchObject({
      fieldErrors: { confirm: expect.stringMatching(/Cochez la case/) },
    });
    expect((await verifyPage(code)).body.verification.status).toBe("valid");

    expect((await post({ intent: "revoke", reason: "Fraude établie sur les pièces", confirm: "on" })).status).toBe(200);
    const twice = await post({ intent: "revoke", reason: "Fraude établie sur les pièces", confirm: "on" });
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ formError: "Ce document est déjà révoqué." });
    const duplicate = await post({ intent: "duplicate", reason: "Document original perdu" });
    expect(duplicate.status).toBe(409);

    const evaluator = await thrownBy(
      revokeAction({
        request: await signedIn(cast.a, url, { method: "POST", body: new URLSearchParams({ intent: "revoke" }) }),
        params: { certificateId },
        context,
      }),
    );
    expect(evaluator.status).toBe(403);
  });

  it("reissues a duplicate from the staff page: same number, edition 2, shown in the detail and the registry", async () => {
    const url = `${BASE}/certificateur/certificats/${certificateId}`;
    const done = (await revokeAction({
      request: await signedIn(cast.staff, url, {
        method: "POST",
        body: new URLSearchParams({ intent: "duplicate", reason: "Document original perdu lors d'un déménagement" }),
      }),
      params: { certificateId },
      context,
    })) as Response;
    expect(((await done.json()) as { done: string }).done).toMatch(/édition 2/);
    const detail = (await (
      (await detailLoader({ request: await signedIn(cast.staff, url), params: { certificateId }, context })) as Response
    ).json()) as { editions: { edition: number; duplicate: boolean }[]; journal: { eventType: string }[] };
    expect(detail.editions.map((e) => [e.edition, e.duplicate])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(detail.journal.map((e) => e.eventType)).toContain("CERTIFICATE_DUPLICATE_ISSUED");
    const registry = (await (
      (await registryLoader({
        request: await signedIn(
          cast.staff,
          `${BASE}/certificateur/certificats?q=${encodeURIComponent("ŻÓŁĆ")}&statut=valide`,
        ),
        params: {},
        context,
      })) as Response
    ).json()) as { rows: { id: string }[]; nextCursor: string | null };
    expect(registry.rows.map((r) => r.id)).toEqual([certificateId]);
    expect(registry.nextCursor).toBeNull();
    const forbidden = await thrownBy(
      registryLoader({
        request: await signedIn(otherCandidate, `${BASE}/certificateur/certificats`),
        params: {},
        context,
      }),
    );
    expect(forbidden.status).toBe(403);
  });
});
