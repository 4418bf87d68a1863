// The officer's queue (/recevabilite), staff's registry (/certificateur/candidatures) and its CSV export: the query
// string read into a filter, one page of the list with its counters, or the whole filtered list streamed as CSV.
// Filters live in the URL (GET), so a list can be bookmarked, shared and used without JavaScript.
import type { Kysely } from "kysely";
import { z } from "zod";
import {
  type QueueFilter,
  type QueueOrder,
  type QueueRow,
  countQueueByState,
  listAdmissibilityOfficers,
  listCertificationChoices,
  listQueuePage,
} from "../../db/queries/candidacy-queues";
import type { Database, Role } from "../../db/schema";
import { CANDIDACY_STATE_KEYS, type CandidacyStateKey, stateLabel } from "../../workflows/candidacy-machine";
import {
  COUNTER_CAP,
  DEADLINE_KINDS,
  DEADLINE_LABELS,
  OFFICER_VIEWS,
  OFFICER_VIEW_KEYS,
  type OfficerView,
  QUEUE_PAGE_SIZE,
  atRiskUntil,
  counterText,
  daysLeft,
  decodeCursor,
  encodeCursor,
  isAtRisk,
  nextDay,
  officerViewStates,
  searchPattern,
  startOfParisDay,
} from "../../workflows/candidacy-queues";
import { isIsoDate } from "../../workflows/candidacy-dates";
import { type Refusal, refuse } from "../../workflows/refusal";
import { CSV_BOM, csvLine } from "../utils/csv";
import { candidacyReference } from "./email-delivery.server";

type Db = Kysely<Database>;

export interface QueueViewer {
  roles: readonly Role[];
}

const NO_ACCESS = "Vous n'avez pas accès à cette page.";

// Every parameter is optional and a malformed one is dropped (a hand-edited link still shows a list); the dates,
// the only ones a person types, are reported beside their field.
const blankToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess(blankToUndefined, schema.optional()).catch(undefined) as z.ZodType<z.infer<T> | undefined>;

const commonParams = {
  etat: optional(z.enum(CANDIDACY_STATE_KEYS)),
  certification: optional(z.string().trim().max(40)),
  du: z.preprocess(blankToUndefined, z.string().max(20).optional()).catch(undefined),
  au: z.preprocess(blankToUndefined, z.string().max(20).optional()).catch(undefined),
  agent: optional(z.string().uuid()),
  q: optional(z.string().trim().max(100)),
  apres: optional(z.string().max(200)),
};

const officerSchema = z.object({
  ...commonParams,
  vue: z.enum(OFFICER_VIEW_KEYS as [OfficerView, ...OfficerView[]]).catch("a-traiter"),
});

const registrySchema = z.object({
  ...commonParams,
  risque: optional(z.literal("1")),
  tri: optional(z.enum(["recent", "echeance"])),
});

/** What the form shows back: the values understood, as the query string had them. */
export interface QueueFormValues {
  etat: string;
  certification: string;
  du: string;
  au: string;
  agent: string;
  q: string;
}

interface ReadFilter {
  filter: QueueFilter;
  values: QueueFormValues;
  fieldErrors: Record<string, string>;
}

function readCommon(params: z.infer<z.ZodObject<typeof commonParams>>, scope: QueueFilter["scope"]): ReadFilter {
  const fieldErrors: Record<string, string> = {};
  const date = (name: "du" | "au") => {
    const value = params[name];
    if (value === undefined) return undefined;
    if (isIsoDate(value)) return value;
    fieldErrors[name] = "Date invalide : saisissez-la au format AAAA-MM-JJ (filtre ignoré).";
    return undefined;
  };
  let from = date("du");
  let to = date("au");
  if (from && to && from > to) {
    fieldErrors.au = "La date de fin précède la date de début : filtre de dates ignoré.";
    from = undefined;
    to = undefined;
  }
  const pattern = params.q ? searchPattern(params.q) : null;
  return {
    filter: {
      scope,
      certificationCode: params.certification,
      receivedFrom: from ? (startOfParisDay(from) ?? undefined) : undefined,
      receivedBefore: to ? (startOfParisDay(nextDay(to)) ?? undefined) : undefined,
      officerId: params.agent?.toLowerCase(),
      searchPattern: pattern ?? undefined,
    },
    values: {
      etat: params.etat ?? "",
      certification: params.certification ?? "",
      du: params.du ?? "",
      au: params.au ?? "",
      agent: params.agent ?? "",
      q: params.q ?? "",
    },
    fieldErrors,
  };
}

function presentRow(row: QueueRow, now: Date) {
  return {
    id: row.id,
    reference: candidacyReference(row.id, row.requestedAt, row.createdAt),
    state: row.state,
    stateLabel: stateLabel(row.state),
    requestedAt: row.requestedAt,
    updatedAt: row.updatedAt,
    candidateName: row.candidateName,
    candidateEmail: row.candidateEmail,
    certificationTitle: row.certificationTitle,
    deadline: row.deadline,
    deadlineLabel: row.deadlineKind ? DEADLINE_LABELS[row.deadlineKind] : null,
    daysLeft: row.deadline ? daysLeft(row.deadline, now) : null,
    atRisk: isAtRisk(row.deadline, now),
    officerName: row.officerName,
  };
}

function counters(counts: Map<CandidacyStateKey, number>, states: readonly CandidacyStateKey[]) {
  return states.map((state) => {
    const count = counts.get(state) ?? 0;
    return { state, label: stateLabel(state), count, text: counterText(count) };
  });
}

/** The sum of capped counts: itself "more than the cap" as soon as one of them is. */
function sumText(counts: Map<CandidacyStateKey, number>, states: readonly CandidacyStateKey[]) {
  const values = states.map((state) => counts.get(state) ?? 0);
  const sum = values.reduce((total, n) => total + n, 0);
  const capped = values.some((n) => n > COUNTER_CAP);
  return { count: sum, text: capped ? `plus de ${(sum - 1).toLocaleString("fr-FR")}` : String(sum) };
}

async function choices(db: Db) {
  const [officers, certifications] = await Promise.all([listAdmissibilityOfficers(db), listCertificationChoices(db)]);
  return { officers, certifications };
}

/** The officer's queue: one of three views, filtered, one page, with the counters of every view. */
export async function officerQueue(db: Db, viewer: QueueViewer, query: URLSearchParams, now = new Date()) {
  if (!viewer.roles.includes("admissibility_officer")) return refuse("forbidden", NO_ACCESS, { status: 403 });
  const params = officerSchema.parse(Object.fromEntries(query));
  const { filter, values, fieldErrors } = readCommon(params, "filed");
  const states = officerViewStates(params.vue, params.etat);
  const order: QueueOrder =
    params.vue === "a-traiter" ? { by: "deadline", kinds: ["ADMISSIBILITY_SILENCE"] } : { by: "recent" };
  const after = decodeCursor(params.apres);
  const viewStates = Object.values(OFFICER_VIEWS).flat() as CandidacyStateKey[];
  const [page, counts, lists] = await Promise.all([
    listQueuePage(db, { ...filter, states }, order, after, QUEUE_PAGE_SIZE),
    countQueueByState(db, filter, viewStates, COUNTER_CAP),
    choices(db),
  ]);
  return {
    ok: true as const,
    view: params.vue,
    values,
    fieldErrors,
    views: OFFICER_VIEW_KEYS.map((view) => ({ view, ...sumText(counts, OFFICER_VIEWS[view]) })),
    counters: counters(counts, viewStates),
    stateChoices: OFFICER_VIEWS[params.vue].map((state) => ({ value: state, label: stateLabel(state) })),
    rows: page.rows.map((row) => presentRow(row, now)),
    next: page.next ? encodeCursor(page.next) : null,
    isFirstPage: after === null,
    ...lists,
  };
}

function registryFilter(query: URLSearchParams, now: Date) {
  const params = registrySchema.parse(Object.fromEntries(query));
  const read = readCommon(params, "all");
  const atRisk = params.risque === "1";
  // The at-risk list reads best nearest deadline first; otherwise latest activity first unless asked.
  const sort = params.tri ?? (atRisk ? "echeance" : "recent");
  const order: QueueOrder = sort === "echeance" ? { by: "deadline", kinds: DEADLINE_KINDS } : { by: "recent" };
  const filter: QueueFilter = {
    ...read.filter,
    states: params.etat ? [params.etat] : undefined,
    deadlineBy: atRisk ? atRiskUntil(now) : undefined,
  };
  return { params, read, atRisk, sort, order, filter };
}

/** Staff's registry: every candidacy, filtered, one page, the counters per state and the deadlines at risk. */
export async function candidacyRegistry(db: Db, viewer: QueueViewer, query: URLSearchParams, now = new Date()) {
  if (!viewer.roles.includes("certifier_staff")) return refuse("forbidden", NO_ACCESS, { status: 403 });
  const { params, read, atRisk, sort, order, filter } = registryFilter(query, now);
  const after = decodeCursor(params.apres);
  const [page, counts, lists] = await Promise.all([
    listQueuePage(db, filter, order, after, QUEUE_PAGE_SIZE),
    countQueueByState(db, filter, CANDIDACY_STATE_KEYS, COUNTER_CAP),
    choices(db),
  ]);
  return {
    ok: true as const,
    values: { ...read.values, risque: atRisk ? "1" : "", tri: sort },
    fieldErrors: read.fieldErrors,
    counters: counters(counts, CANDIDACY_STATE_KEYS).filter((c) => c.count > 0),
    total: sumText(counts, CANDIDACY_STATE_KEYS),
    rows: page.rows.map((row) => presentRow(row, now)),
    next: page.next ? encodeCursor(page.next) : null,
    isFirstPage: after === null,
    ...lists,
  };
}

const CSV_COLUMNS = [
  "Référence",
  "Candidat",
  "Courriel",
  "Certification",
  "Étape",
  "Demande déposée le",
  "Dernière activité",
  "Échéance",
  "Date d'échéance",
  "Jours restants",
  "À risque",
  "Chargé de recevabilité",
];

const CSV_PAGE_ROWS = 500;

const isoDay = (value: Date | null) => (value ? new Date(value).toISOString().slice(0, 10) : "");

function csvRow(row: QueueRow, now: Date): string {
  const r = presentRow(row, now);
  return csvLine([
    r.reference,
    r.candidateName,
    r.candidateEmail,
    r.certificationTitle,
    r.stateLabel,
    isoDay(r.requestedAt),
    isoDay(r.updatedAt),
    r.deadlineLabel ?? "",
    isoDay(r.deadline),
    r.daysLeft === null ? "" : String(r.daysLeft),
    r.atRisk ? "oui" : "non",
    r.officerName ?? "",
  ]);
}

/**
 * The registry's filtered list (every page, the cursor ignored) as CSV, streamed: each pull reads the next keyset
 * page, so memory holds one page whatever the number of rows.
 */
export function candidacyRegistryCsv(
  db: Db,
  viewer: QueueViewer,
  query: URLSearchParams,
  now = new Date(),
): Refusal | { ok: true; stream: ReadableStream<Uint8Array> } {
  if (!viewer.roles.includes("certifier_staff")) return refuse("forbidden", NO_ACCESS, { status: 403 });
  const { order, filter } = registryFilter(query, now);
  const encoder = new TextEncoder();
  let cursor: ReturnType<typeof decodeCursor> = null;
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(CSV_BOM + csvLine(CSV_COLUMNS)));
        return;
      }
      const page = await listQueuePage(db, filter, order, cursor, CSV_PAGE_ROWS);
      if (page.rows.length > 0) controller.enqueue(encoder.encode(page.rows.map((row) => csvRow(row, now)).join("")));
      if (page.next) cursor = page.next;
      else controller.close();
    },
  });
  return { ok: true, stream };
}

/** The export's file name, dated. */
export function registryCsvFileName(now = new Date()): string {
  return `candidatures-${now.toISOString().slice(0, 10)}.csv`;
}
