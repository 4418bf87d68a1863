// The whole lifecycle in the browser, as the four groups of users live it.
// Journey 1: a candidate files a request with its documents; the officer marks it incomplete, then admissible once
// completed; the candidate writes every narrative with evidence and files the dossier; staff are refused an evaluator
// who works for the candidate's employer, assign a pair and set the session; both evaluators declare no link and
// score blind, disagreeing beyond the tolerance on C2.1; after the session staff record attendance and the pair
// transmits, deliberates (the president settles C2.1 under the floor), writes the recommendation for bloc 2 and
// signs with their passwords; staff validate; the candidate reads blocs 1 and 3 awarded and bloc 2 not, with C2.1
// under the floor and the recommendation, and starts a new candidacy for bloc 2.
// Journey 2: another candidate's filed dossier (set up through the services) passes every bloc without
// deliberation; the CQP is decided, validated, and the result page says "CQP obtenu", never "Certifié".
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCandidacy, sendCandidacyEvent } from "../../app/services/candidacies.server";
import { saveNarrative, submitDossier } from "../../app/services/dossiers.server";
import { parisDateAndTime } from "../../app/services/evaluation-staffing.server";
import { CQP_CODE, attachRequestDocuments } from "../integration/support/fixtures";
import { pdfBytes } from "../integration/support/candidate-files";
import { expectAccessible, expectUsableOnPhone, visit } from "./support/axe";
import {
  ALL_COMPETENCIES,
  DEMO,
  type Stage,
  addCandidate,
  addToPool,
  choose,
  fillGrid,
  pageFor,
  passwordOf,
  preparedStage,
  scoresOf,
  userIds,
} from "./support/journeys";
import { attachRequiredDocuments } from "./support/request-documents";

const CONFLICTING = "bernard.roux@exemple.fr";
const SECOND_CANDIDATE = "lea.fontaine@exemple.fr";
const DAY = 24 * 3600_000;

let stage: Stage;
let secondCandidacyId = "";

beforeAll(async () => {
  const prepared = await preparedStage("journeys", async (db) => {
    // The pool: both demo evaluators, and one employed by the candidate's employer of journey 1 (its proof of
    // activity names "Crèmerie Lemoine", see support/request-documents.ts).
    await addToPool(db, [
      { email: DEMO.a, civility: "M.", employerName: "Boulangerie Dupont" },
      { email: DEMO.b, civility: "Mme", employerName: "Fromagerie Lambert" },
      {
        email: CONFLICTING,
        civility: "M.",
        employerName: "SARL Crèmerie Lemoine",
        newAccount: { fullName: "Bernard Roux", password: "Kouign-amann-2026" },
      },
    ]);
    // Journey 2's candidate: the dossier was filed three days ago (the admissibility and the writing are journey 1's).
    const candidate = await addCandidate(db, SECOND_CANDIDATE, "Léa Fontaine", "Far-breton-2026-lea");
    const id = await userIds(db);
    let clock = Date.now() - 6 * DAY;
    const at = () => {
      clock += 3600_000;
      return new Date(clock).toISOString();
    };
    const created = await createCandidacy(db, candidate, CQP_CODE, new Date(clock));
    if (!created.ok) throw new Error(created.message);
    await attachRequestDocuments(db, created.candidacyId);
    const as = (userId: string, role: "candidate" | "admissibility_officer") =>
      ({ type: "user", userId, role }) as const;
    for (const event of [
      { type: "SUBMIT_REQUEST", sworn: true, actor: as(candidate, "candidate") },
      { type: "OPEN_REVIEW", actor: as(id(DEMO.officer), "admissibility_officer") },
      { type: "DECLARE_ADMISSIBLE", actor: as(id(DEMO.officer), "admissibility_officer") },
      { type: "START_DOSSIER", actor: as(candidate, "candidate") },
    ] as const) {
      const outcome = await sendCandidacyEvent(db, created.candidacyId, { ...event, at: at() });
      if (!outcome.ok) throw new Error(`${event.type}: ${outcome.message}`);
    }
    for (const code of ALL_COMPETENCIES) {
      const saved = await saveNarrative(
        db,
        { id: candidate },
        created.candidacyId,
        code,
        { context: `Contexte ${code}`, actions: `Ce que Léa a fait pour ${code}`, results: "Clients fidélisés" },
        new Date(at()),
      );
      if (!saved.ok) throw new Error(`narrative ${code}`);
    }
    clock = Date.now() - 3 * DAY;
    const filed = await submitDossier(
      db,
      { id: candidate },
      created.candidacyId,
      { confirmWithoutEvidence: true },
      new Date(clock),
    );
    if (!filed.ok) throw new Error(`dossier: ${filed.message}`);
    return created.candidacyId;
  });
  stage = prepared;
  secondCandidacyId = prepared.prepared;
}, 240_000);
afterAll(async () => {
  await stage?.stop();
});

const url = (path: string) => `${stage.portal.url}${path}`;

/** Staff's page of a candidacy, from the queue of dossiers awaiting evaluators. */
async function openFromQueue(staff: Page, candidateName: string, candidacyId: string) {
  await visit(staff, url("/certificateur/candidatures"));
  await staff.getByRole("link", { name: /À pourvoir/ }).click();
  await staff.getByRole("heading", { name: "Candidatures à pourvoir" }).waitFor();
  await expectAccessible(staff);
  await staff.getByRole("link", { name: candidateName }).click();
  await staff.waitForURL(new RegExp(`/certificateur/candidatures/${candidacyId}$`));
  await expectAccessible(staff);
}

async function assignPair(staff: Page, president: "Le premier évaluateur" | "Le second évaluateur") {
  await choose(staff, "Premier évaluateur", "Pierre Lefèvre");
  await choose(staff, "Second évaluateur", "Sophie Garnier");
  await staff.getByLabel(president, { exact: true }).check();
  await staff.getByRole("button", { name: "Désigner le binôme" }).click();
  await staff.getByText("Le binôme est désigné").waitFor();
  await expectAccessible(staff);
}

async function setSession(staff: Page, startsAt: Date, location: string) {
  const when = parisDateAndTime(startsAt);
  await staff.getByLabel("Date de la séance").fill(when.date);
  await staff.getByLabel("Heure (heure de Paris)").fill(when.time);
  await staff.getByLabel("Sur place").check();
  await staff.getByLabel("Adresse du lieu ou lien de la visioconférence").fill(location);
  await staff.getByRole("button", { name: "Fixer la séance" }).click();
  await staff.getByText("La séance est fixée").waitFor();
  await expectAccessible(staff);
}

async function recordAttendance(staff: Page) {
  await staff.getByLabel("Présent : le jury l'a entendu").check();
  await staff.getByRole("button", { name: "Enregistrer la présence" }).click();
  await staff.getByText("La présence du candidat est enregistrée.").waitFor();
  await expectAccessible(staff);
}

/** Opens the dossier from "Mes dossiers" and declares no link with the candidate. */
async function declareNoLink(evaluator: Page, candidacyId: string) {
  await visit(evaluator, url("/evaluation"));
  await evaluator.locator(`a[href="/evaluation/${candidacyId}"]`).first().click();
  await evaluator.waitForURL(new RegExp(`/evaluation/${candidacyId}$`));
  await evaluator.getByRole("button", { name: "Confirmer et ouvrir le dossier" }).waitFor();
  await expectAccessible(evaluator);
  await evaluator.getByLabel(/Je déclare n'avoir aucun lien/).check();
  await evaluator.getByRole("button", { name: "Confirmer et ouvrir le dossier" }).click();
  await evaluator.getByText("Déclaration enregistrée").waitFor();
  await evaluator.getByLabel("Note de C1.1 (en %, de 0 à 100)").waitFor();
  await expectAccessible(evaluator);
}

/** Fills the grid in the page and saves it as a draft through the real form. */
async function saveDraft(evaluator: Page, scores: Record<string, string>, comment: string) {
  await fillGrid(evaluator, scores, comment);
  await evaluator.getByRole("button", { name: "Enregistrer le brouillon" }).click();
  await evaluator.getByText("Brouillon enregistré.").waitFor();
  await expectAccessible(evaluator);
  for (const [code, score] of Object.entries(scores)) {
    const shown = await evaluator.getByLabel(`Note de ${code} (en %, de 0 à 100)`).inputValue();
    expect(shown.replace(",", "."), code).toBe(score.replace(",", "."));
  }
}

async function transmit(evaluator: Page, candidacyId: string) {
  await visit(evaluator, url(`/evaluation/${candidacyId}`));
  await evaluator.getByRole("button", { name: "Transmettre mes notes…" }).click();
  await evaluator.getByTestId("submit-confirmation").waitFor();
  await expectAccessible(evaluator);
  await evaluator.getByRole("button", { name: "Confirmer la transmission de mes notes" }).click();
  await evaluator.getByText("Vos notes sont transmises.").first().waitFor();
  await expectAccessible(evaluator);
}

/** Fills every proposal field of the deliberation form (78 unless said otherwise); returns the codes proposed. */
async function proposeAll(evaluator: Page, scores: Record<string, string>): Promise<string[]> {
  const fields = evaluator.locator('input[id^="propose-score-"]');
  const codes: string[] = [];
  for (const field of await fields.all()) {
    const code = (await field.getAttribute("id"))!.slice("propose-score-".length);
    await field.fill(scores[code] ?? "78");
    codes.push(code);
  }
  return codes;
}

async function sign(evaluator: Page, password: string) {
  await evaluator.getByLabel("Votre mot de passe, pour confirmer votre identité").fill(password);
  await evaluator.getByRole("button", { name: "Signer le procès-verbal" }).click();
  await evaluator.getByText("Votre signature est enregistrée.").waitFor();
  await expectAccessible(evaluator);
}

async function validate(staff: Page, candidacyId: string) {
  await visit(staff, url(`/certificateur/candidatures/${candidacyId}/validation`));
  await staff.getByRole("heading", { name: "Validation de la décision" }).waitFor();
  await expectUsableOnPhone(staff);
  await staff.getByLabel("J'ai vérifié le procès-verbal signé par les deux évaluateurs.").check();
  await staff.getByRole("button", { name: "Valider la décision" }).click();
  await staff.getByText("La décision est validée").waitFor();
  await expectAccessible(staff);
}

describe("journey 1: from the request to a partial result and a new candidacy for the missing bloc", () => {
  let candidate: Page;
  let officer: Page;
  let staff: Page;
  let evaluatorA: Page;
  let evaluatorB: Page;
  let candidacyUrl = "";
  let candidacyId = "";
  let sessionAt = 0;

  // A: bloc 2 fails on C2.1 (30); B: every bloc passes (C2.1 at 60). 30 points apart, beyond the 15 tolerated.
  const scoresA = scoresOf("80", { "C2.1": "30", "C3.4": "77.5" });
  const scoresB = scoresOf("76,5", { "C2.1": "60" });
  const RECOMMENDATION = "Décrivez une vente conseil complète, de l'accueil du client à la conclusion (C2.1).";

  it("files the request with its documents; the officer marks it incomplete, then admissible", async () => {
    candidate = await pageFor(stage, DEMO.candidate);
    officer = await pageFor(stage, DEMO.officer);
    await visit(candidate, url("/candidat"));
    await candidate.getByRole("button", { name: "Démarrer ma candidature" }).click();
    await candidate.getByRole("heading", { name: "Déposer ma demande de recevabilité" }).waitFor();
    candidacyUrl = candidate.url();
    candidacyId = candidacyUrl.split("/").at(-1)!;
    await expectAccessible(candidate);
    await attachRequiredDocuments(candidate, candidacyUrl);
    await candidate.getByLabel(/Je certifie sur l'honneur/).check();
    await candidate.getByRole("button", { name: "Déposer ma demande" }).click();
    await candidate.getByText("Recevabilité — en attente").waitFor();
    await expectAccessible(candidate);

    await visit(officer, url("/recevabilite"));
    await officer.getByRole("link", { name: "Camille Martin" }).click();
    await officer.getByRole("button", { name: "Commencer l'examen" }).click();
    await officer.getByText("L'examen de la demande a commencé.").waitFor();
    await expectAccessible(officer);
    await officer.getByLabel(/Pièces ou informations manquantes/).fill("Il manque votre bulletin de salaire récent.");
    await officer.getByRole("button", { name: "Déclarer incomplète" }).click();
    await officer.getByText("Votre décision est enregistrée").waitFor();
    await expectAccessible(officer);

    await visit(candidate, candidacyUrl);
    await candidate.getByText("Votre demande est incomplète : Il manque votre bulletin de salaire récent.").waitFor();
    await candidate.getByRole("button", { name: "J'ai complété ma demande" }).click();
    await candidate.getByText("Vous avez complété votre demande.").waitFor();
    await expectAccessible(candidate);

    await officer.reload();
    await expectAccessible(officer);
    await officer.getByRole("button", { name: "Commencer l'examen" }).click();
    await officer.getByText("L'examen de la demande a commencé.").waitFor();
    await officer.getByRole("button", { name: "Déclarer recevable" }).click();
    await officer.getByText("Votre décision est enregistrée").waitFor();
    await expectAccessible(officer);
    await officer.context().close();
  }, 180_000);

  it("writes every narrative, ties evidence to every competency and files the dossier", async () => {
    await visit(candidate, candidacyUrl);
    await candidate.getByRole("button", { name: "Commencer mon dossier" }).click();
    await candidate.getByRole("link", { name: "Rédiger mon dossier" }).click();
    await candidate.getByTestId("coverage-matrix").waitFor();
    await expectAccessible(candidate);
    await candidate.getByLabel("Légende").fill("Attestation de ma responsable et fiches de suivi clients");
    for (const code of ALL_COMPETENCIES) await candidate.locator(`[id="new-${code}"]`).check();
    await candidate
      .getByLabel("Fichier", { exact: true })
      .setInputFiles({ name: "attestation-responsable.pdf", mimeType: "application/pdf", buffer: pdfBytes("resp") });
    await candidate.getByRole("button", { name: "Ajouter la pièce" }).click();
    await candidate.getByText("La pièce a été ajoutée à votre dossier.").waitFor();
    await expectAccessible(candidate);

    // The narratives, written without JavaScript (plain form posts; pages load faster too).
    const writer = await pageFor(stage, DEMO.candidate, { javaScriptEnabled: false });
    for (const code of ALL_COMPETENCIES) {
      await writer.goto(`${candidacyUrl}/dossier/${code}`);
      if (code === ALL_COMPETENCIES[0]) await expectAccessible(writer);
      await writer.getByLabel("Contexte").fill(`Au rayon crèmerie, situation de ${code}.`);
      await writer.getByLabel("Ce que j'ai fait").fill(`Camille a mené ${code} de bout en bout.`);
      await writer.getByLabel("Résultats").fill("Des clients satisfaits qui reviennent.");
      await writer.getByRole("button", { name: "Enregistrer mon récit" }).click();
      await writer.getByText("Votre récit est enregistré.").waitFor();
    }
    await expectAccessible(writer);
    await writer.context().close();
    await visit(candidate, `${candidacyUrl}/dossier`);
    // Every competency has its narrative and its evidence: nothing to confirm.
    expect(await candidate.getByLabel(/Je confirme vouloir déposer/).count()).toBe(0);
    await candidate.getByRole("button", { name: "Déposer la version 1" }).click();
    await candidate.getByText("Votre dossier (version 1) a été déposé.").waitFor();
    await expectAccessible(candidate);
    // The session cannot be set before the filing: the first whole minute after it.
    sessionAt = Math.ceil((Date.now() + 1000) / 60_000) * 60_000;
  }, 180_000);

  it("refuses a conflicting evaluator with the reason, assigns the pair and sets the session", async () => {
    staff = await pageFor(stage, DEMO.staff);
    await openFromQueue(staff, "Camille Martin", candidacyId);
    const bernard = staff
      .getByRole("list", { name: "Évaluateurs habilités pour ce CQP" })
      .getByRole("listitem")
      .filter({ hasText: "Bernard Roux" });
    expect(await bernard.innerText()).toMatch(/Ne peut pas être choisi[\s\S]*employeur/);

    await choose(staff, "Premier évaluateur", "Pierre Lefèvre");
    await choose(staff, "Second évaluateur", "Bernard Roux");
    await staff.getByRole("button", { name: "Désigner le binôme" }).click();
    const error = staff.locator("#assign-evaluatorBId-error");
    await error.waitFor();
    expect(await error.innerText()).toMatch(/Bernard Roux ne peut pas évaluer ce dossier : .*employeur/);
    await expectAccessible(staff);
    await assignPair(staff, "Le premier évaluateur");
    const pair = await staff.getByRole("list", { name: "Évaluateurs du binôme" }).innerText();
    expect(pair).toMatch(/Pierre Lefèvre — président du jury/);
    expect(pair).toContain("Sophie Garnier");
    expect(pair).not.toContain("Bernard Roux");

    await setSession(staff, new Date(sessionAt), "Chambre de métiers, 10 rue des Halles, Lyon");
    await expectUsableOnPhone(staff);
  }, 180_000);

  it("has both evaluators declare no link and score blind, neither seeing the other's scores", async () => {
    evaluatorA = await pageFor(stage, DEMO.a);
    await declareNoLink(evaluatorA, candidacyId);
    expect(await evaluatorA.locator("main").innerText()).toContain("Camille a mené C1.1 de bout en bout.");
    await saveDraft(evaluatorA, scoresA, "Avis-de-Pierre");
    await expectUsableOnPhone(evaluatorA);
    // Before the session, the confirmation says why the scores cannot be transmitted yet.
    if (Date.now() < sessionAt) {
      await evaluatorA.getByRole("button", { name: "Transmettre mes notes…" }).click();
      await evaluatorA.getByTestId("submit-confirmation").waitFor();
      expect(await evaluatorA.getByTestId("submit-confirmation").innerText()).toContain(
        "La session d'évaluation n'a pas encore eu lieu",
      );
      expect(await evaluatorA.getByRole("button", { name: "Confirmer la transmission de mes notes" }).count()).toBe(0);
      await expectAccessible(evaluatorA);
    }

    evaluatorB = await pageFor(stage, DEMO.b);
    await declareNoLink(evaluatorB, candidacyId);
    await saveDraft(evaluatorB, scoresB, "Avis-de-Sophie");
    const pageOfB = await evaluatorB.locator("main").innerText();
    expect(pageOfB).not.toContain("Avis-de-Pierre");
    expect(await evaluatorB.getByTestId("other-progress").innerText()).not.toBe("transmis");
  }, 180_000);

  it("records the attendance after the session; both transmit, B still blind until then", async () => {
    const wait = sessionAt + 1000 - Date.now();
    if (wait > 0) await staff.waitForTimeout(wait);
    await visit(staff, url(`/certificateur/candidatures/${candidacyId}`));
    await recordAttendance(staff);

    await transmit(evaluatorA, candidacyId);
    await visit(evaluatorB, url(`/evaluation/${candidacyId}`));
    expect(await evaluatorB.getByTestId("other-progress").innerText()).toBe("transmis");
    const mainOfB = await evaluatorB.locator("main").innerText();
    expect(mainOfB).not.toContain("Avis-de-Pierre");
    // A's own score of C2.1 (30) is nowhere in B's grid: B's inputs hold B's scores.
    expect(await evaluatorB.getByLabel("Note de C2.1 (en %, de 0 à 100)").inputValue()).toMatch(/^60(,0)?$/);
    // The comparison stays closed to B until B transmits.
    const closed = await visit(evaluatorB, url(`/evaluation/${candidacyId}/deliberation`));
    expect(closed!.status()).toBeGreaterThanOrEqual(400);
    expect(await evaluatorB.content()).not.toContain("Avis-de-Pierre");
    await transmit(evaluatorB, candidacyId);
  }, 180_000);

  it("compares, deliberates, and the president settles C2.1 under the floor", async () => {
    await visit(evaluatorB, url(`/evaluation/${candidacyId}/deliberation`));
    const row = evaluatorB.getByTestId("row-C2.1");
    expect(await row.getAttribute("class")).toContain("row--alert");
    expect(await row.innerText()).toMatch(/30(,0)? %[\s\S]*60(,0)? %/);
    expect(await evaluatorB.getByTestId("reasons-B2").innerText()).not.toBe("");
    await expectUsableOnPhone(evaluatorB);
    // Bloc 2's outcomes differ (A fails it, B awards it): all its competencies are in deliberation. The pair
    // agrees on every one but C2.1.
    expect(await proposeAll(evaluatorB, { "C2.1": "60" })).toContain("C2.1");
    await evaluatorB.getByRole("button", { name: "Proposer ces notes" }).click();
    await evaluatorB.getByText("Proposition enregistrée.").waitFor();
    await expectAccessible(evaluatorB);
    // Only the president has the casting vote.
    expect(await evaluatorB.getByRole("button", { name: "Trancher par ma voix prépondérante" }).count()).toBe(0);

    await visit(evaluatorA, url(`/evaluation/${candidacyId}/deliberation`));
    await proposeAll(evaluatorA, { "C2.1": "40" });
    await evaluatorA.getByRole("button", { name: "Proposer ces notes" }).click();
    await evaluatorA.getByText("Proposition enregistrée.").waitFor();
    await expect.poll(() => evaluatorA.getByTestId("deliberation-C2.1").innerText()).toContain("Pas d'accord");
    await evaluatorA.locator("#vote-score-C2\\.1").fill("40");
    await evaluatorA.getByRole("button", { name: "Trancher par ma voix prépondérante" }).click();
    await evaluatorA.getByText("Voix prépondérante enregistrée.").waitFor();
    await expectAccessible(evaluatorA);
    await evaluatorA.getByRole("button", { name: "Clore la délibération" }).click();
    await evaluatorA.waitForURL(new RegExp(`/evaluation/${candidacyId}/proces-verbal$`));
    await expectAccessible(evaluatorA);
    expect(await evaluatorA.getByTestId("pv-status-B1").innerText()).not.toContain("non validé");
    expect(await evaluatorA.getByTestId("pv-status-B2").innerText()).toContain("non validé");
    expect(await evaluatorA.getByTestId("pv-status-B3").innerText()).not.toContain("non validé");
  }, 180_000);

  it("writes the recommendation and both sign, the password asked again", async () => {
    await evaluatorA.getByRole("textbox", { name: /Bloc 2/ }).fill(RECOMMENDATION);
    await evaluatorA.getByRole("button", { name: "Enregistrer les recommandations" }).click();
    await evaluatorA.getByText("Recommandations enregistrées.").waitFor();
    await expectAccessible(evaluatorA);
    await evaluatorA.getByLabel("Votre mot de passe, pour confirmer votre identité").fill("Pas-le-bon-2026");
    await evaluatorA.getByRole("button", { name: "Signer le procès-verbal" }).click();
    await evaluatorA.getByText("Mot de passe incorrect").first().waitFor();
    await expectAccessible(evaluatorA);
    await sign(evaluatorA, passwordOf(DEMO.a));

    await visit(evaluatorB, url(`/evaluation/${candidacyId}/proces-verbal`));
    expect(await evaluatorB.locator("main").innerText()).toContain(RECOMMENDATION);
    await sign(evaluatorB, passwordOf(DEMO.b));
    await expect.poll(() => evaluatorB.getByTestId("signatures").locator("li").count()).toBe(2);
    await expectUsableOnPhone(evaluatorB);
  }, 180_000);

  it("has staff validate the decision; the candidate reads the partial result and starts over for bloc 2", async () => {
    await validate(staff, candidacyId);
    expect(await staff.locator("main").innerText()).toContain(RECOMMENDATION);

    await visit(candidate, url("/candidat"));
    expect(await candidate.locator("main").innerText()).not.toContain("Certifié");
    await visit(candidate, candidacyUrl);
    await candidate.getByRole("link", { name: "Voir mon résultat" }).click();
    await candidate.getByRole("heading", { name: "Mon résultat", level: 1 }).waitFor();
    const text = await candidate.locator("main").innerText();
    expect(text).not.toContain("Certifié");
    expect(text).toContain("Validation partielle");
    expect(text).toMatch(/B1 — .+ : bloc obtenu/);
    expect(text).toMatch(/B2 — .+ : bloc non obtenu/);
    expect(text).toMatch(/B3 — .+ : bloc obtenu/);
    expect(text).toMatch(/C2\.1 .+ : 40(,0)? %/);
    expect(text).toContain(RECOMMENDATION);
    // Neither evaluator's own scores nor comments reach the candidate.
    expect(text).not.toContain("Avis-de-");
    expect(text).not.toMatch(/\b30(,0)? %/);
    await expectUsableOnPhone(candidate);

    await candidate.getByRole("button", { name: "Déposer une nouvelle demande pour les blocs manquants" }).click();
    await candidate.waitForURL((u) => /\/candidat\/candidatures\/[0-9a-f-]{36}$/.test(u.pathname));
    expect(candidate.url()).not.toContain(candidacyId);
    await candidate.getByText("Blocs visés : B2").waitFor();
    await expectAccessible(candidate);
    await expectUsableOnPhone(candidate);
  }, 180_000);
});

describe("journey 2: every bloc passes, no deliberation, the full CQP", () => {
  it("assigns, holds the session, scores in agreement, signs, validates: the result says CQP obtenu", async () => {
    const staff = await pageFor(stage, DEMO.staff);
    await openFromQueue(staff, "Léa Fontaine", secondCandidacyId);
    await assignPair(staff, "Le second évaluateur");
    // Yesterday at 10:00 (Paris), after the filing three days ago: the session has taken place.
    await setSession(staff, new Date(Date.now() - DAY), "Salle 2, marché de Rungis");
    await recordAttendance(staff);

    const a = await pageFor(stage, DEMO.a);
    await declareNoLink(a, secondCandidacyId);
    await saveDraft(a, scoresOf("82", { "C1.3": "74.5" }), "Avis-A");
    await transmit(a, secondCandidacyId);
    const b = await pageFor(stage, DEMO.b);
    await declareNoLink(b, secondCandidacyId);
    await saveDraft(b, scoresOf("78", { "C2.6": "88" }), "Avis-B");
    await transmit(b, secondCandidacyId);

    // The scores agree: no deliberation, the minutes straight away.
    await visit(b, url(`/evaluation/${secondCandidacyId}/deliberation`));
    expect(await b.locator("main").innerText()).toContain("Les notes concordent");
    expect(await b.getByRole("button", { name: "Clore la délibération" }).count()).toBe(0);
    await visit(b, url(`/evaluation/${secondCandidacyId}/proces-verbal`));
    expect(await b.getByTestId("minutes-result").innerText()).toBe("CQP obtenu");
    expect(await b.getByRole("button", { name: "Enregistrer les recommandations" }).count()).toBe(0);
    await sign(b, passwordOf(DEMO.b));
    await visit(a, url(`/evaluation/${secondCandidacyId}/proces-verbal`));
    await sign(a, passwordOf(DEMO.a));

    await validate(staff, secondCandidacyId);

    const candidate = await pageFor(stage, SECOND_CANDIDATE);
    await visit(candidate, url(`/candidat/candidatures/${secondCandidacyId}`));
    expect(await candidate.locator("main").innerText()).not.toContain("Certifié");
    await candidate.getByRole("link", { name: "Voir mon résultat" }).click();
    await candidate.getByRole("heading", { name: "Mon résultat", level: 1 }).waitFor();
    const text = await candidate.locator("main").innerText();
    expect(text).toContain("CQP obtenu");
    expect(text).not.toContain("Certifié");
    expect(text).not.toContain("bloc non obtenu");
    for (const bloc of ["B1", "B2", "B3"]) expect(text).toMatch(new RegExp(`${bloc} — .+ : bloc obtenu`));
    expect(await candidate.getByRole("button", { name: /nouvelle demande/ }).count()).toBe(0);
    await expectUsableOnPhone(candidate);
  }, 180_000);
});
