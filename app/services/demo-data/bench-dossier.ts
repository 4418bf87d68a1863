// The heaviest dossier a reader opens, for `npm run bench:pages`: a candidacy whose filed dossier holds all 19
// narratives and 100 evidence files, built through the services like any other, with the staff accounts that read
// it (docs/decisions/032).
import type { Kysely } from "kysely";
import type { Database } from "../../../db/schema";
import { cqpCommercialSedentaire } from "../../../db/seed/cqp-commercial-sedentaire";
import type { CandidacyEvent, EventActor } from "../../../workflows/candidacy-machine";
import { createStaffAccount, signUpCandidate } from "../accounts.server";
import { createCandidacy, sendCandidacyEvent } from "../candidacies.server";
import { addAdmissibilityDocument } from "../documents.server";
import { addEvidence, saveNarrative, submitDossier } from "../dossiers.server";
import { hashPassword } from "../passwords.server";
import type { ObjectStorage } from "../storage";
import { DEMO_DATA_PASSWORD } from "./index";
import { tinyPdf, tinyPng, uploadRequest } from "./files";
import { narrativeText } from "./plan";
import { seededRandom } from "./random";

export interface BenchDossier {
  candidacyId: string;
  /** Accounts that log in to the benchmark (password DEMO_DATA_PASSWORD). */
  staffEmail: string;
  officerEmail: string;
  candidateEmail: string;
  password: string;
}

export async function fileBenchDossier(
  db: Kysely<Database>,
  storage: ObjectStorage,
  options: { evidence: number; at: Date },
): Promise<BenchDossier> {
  const suffix = "@bench.demo-data.example.org";
  const passwordHash = hashPassword(DEMO_DATA_PASSWORD);
  const hash = () => passwordHash;
  const ok = <T extends { ok: boolean }>(what: string, outcome: T): T & { ok: true } => {
    if (!outcome.ok) throw new Error(`bench dossier: ${what} refused: ${JSON.stringify(outcome)}`);
    return outcome as T & { ok: true };
  };
  const staff = async (local: string, role: "admissibility_officer" | "certifier_staff") => {
    const email = `${local}${suffix}`;
    const made = await createStaffAccount(
      db,
      "system",
      { email, fullName: `Banc d'essai ${local}`, password: DEMO_DATA_PASSWORD, roles: [role] },
      { ip: null, hashPassword: hash },
    );
    if (!made.ok) throw new Error(`bench account ${email}: ${JSON.stringify(made.fieldErrors)}`);
    return { id: made.value.userId, email };
  };
  const officer = await staff("recevabilite", "admissibility_officer");
  const certifier = await staff("certificateur", "certifier_staff");
  const candidateEmail = `candidat${suffix}`;
  const signedUp = await signUpCandidate(
    db,
    { email: candidateEmail, fullName: "Dominique Exemple", password: DEMO_DATA_PASSWORD },
    { ip: null, hashPassword: hash },
  );
  if (!signedUp.ok) throw new Error(`bench candidate: ${JSON.stringify(signedUp.fieldErrors)}`);
  const candidate = { id: signedUp.value.userId };

  let now = options.at.getTime();
  const tick = () => {
    now += 60_000;
    return new Date(now);
  };
  const asCandidate: EventActor = { type: "user", userId: candidate.id, role: "candidate" };
  const asOfficer: EventActor = { type: "user", userId: officer.id, role: "admissibility_officer" };
  const { candidacyId } = ok(
    "createCandidacy",
    await createCandidacy(db, candidate.id, cqpCommercialSedentaire.code, tick()),
  );
  const at = () => tick().toISOString();
  const send = async (event: CandidacyEvent) => ok(event.type, await sendCandidacyEvent(db, candidacyId, event));
  const pdf = tinyPdf("bench");
  const png = tinyPng();
  const limits = { maxFileBytes: 1024 * 1024 };
  const documents: Array<Record<string, string>> = [
    { kind: "identity" },
    {
      kind: "activity_proof",
      proofType: "employer_attestation",
      periodStart: "2019-01-01",
      periodEnd: "2025-12-31",
      employer: "Épicerie fine Lafayette",
      jobTitle: "Vendeur sédentaire",
      relatedToCqp: "yes",
    },
    { kind: "sworn_statement" },
  ];
  for (const fields of documents) {
    const request = uploadRequest(fields, { name: `${fields.kind}.pdf`, bytes: pdf, type: "application/pdf" });
    ok("document", await addAdmissibilityDocument(db, storage, candidate, candidacyId, request, limits, tick));
  }
  await send({ type: "SUBMIT_REQUEST", sworn: true, actor: asCandidate, at: at() });
  await send({ type: "OPEN_REVIEW", actor: asOfficer, at: at() });
  await send({ type: "DECLARE_ADMISSIBLE", actor: asOfficer, at: at() });
  await send({ type: "START_DOSSIER", actor: asCandidate, at: at() });
  const random = seededRandom("bench-dossier");
  const codes = cqpCommercialSedentaire.referential.blocs.flatMap((b) => b.competencies.map((c) => c.code));
  for (const code of codes) {
    ok("narrative", await saveNarrative(db, candidate, candidacyId, code, narrativeText(random, code), tick()));
  }
  for (let i = 0; i < options.evidence; i++) {
    const image = i % 3 === 2;
    const request = uploadRequest(
      {
        caption: `Pièce ${i + 1} : bon de commande et échange avec le client, tirés de mon activité.`,
        competencyCodes: [codes[i % codes.length]!, codes[(i * 7 + 3) % codes.length]!],
      },
      image
        ? { name: `photo-${i + 1}.png`, bytes: png, type: "image/png" }
        : { name: `piece-${i + 1}.pdf`, bytes: pdf, type: "application/pdf" },
    );
    ok("evidence", await addEvidence(db, storage, candidate, candidacyId, request, limits, tick));
  }
  ok("submitDossier", await submitDossier(db, candidate, candidacyId, { confirmWithoutEvidence: true }, tick()));
  return {
    candidacyId,
    staffEmail: certifier.email,
    officerEmail: officer.email,
    candidateEmail,
    password: DEMO_DATA_PASSWORD,
  };
}
