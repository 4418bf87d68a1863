// Every migration, listed statically so that the same list works under tsx, Vitest and the Vite server bundle
// (a folder scan would not survive bundling). Names sort by date: add new ones at the end.
import type { Migration } from "kysely";
import * as foundation from "./2026-11-28-0001-foundation";
import * as candidacies from "./2026-11-28-0002-candidacies";
import * as evaluation from "./2026-11-28-0003-evaluation";
import * as timersByCandidacy from "./2026-11-28-0004-timers-by-candidacy";
import * as documents from "./2026-11-28-0005-documents";
import * as throttleHits from "./2026-11-30-0030-throttle-hits";
import * as outboxDeadLetters from "./2026-11-30-0040-outbox-dead-letters";
import * as typedCandidacyState from "./2026-11-30-0050-typed-candidacy-state";
import * as evaluatorPool from "./2026-11-30-0060-evaluator-pool";
import * as evaluationSessions from "./2026-11-30-0070-evaluation-sessions";
import * as deliberationAndMinutes from "./2026-11-30-0080-deliberation-and-minutes";
import * as certificates from "./2026-11-30-0090-certificates";
import * as queueIndexes from "./2026-11-30-0100-queue-indexes";
import * as dashboardIndexes from "./2026-11-30-0110-dashboard-indexes";
import * as searchSpellsUnaccentableLetters from "./2026-11-30-0130-search-spells-unaccentable-letters";
import * as stageDurationHistogram from "./2026-11-30-0120-stage-duration-histogram";

export const migrations: Record<string, Migration> = {
  "2026-11-28-0001-foundation": foundation,
  "2026-11-28-0002-candidacies": candidacies,
  "2026-11-28-0003-evaluation": evaluation,
  "2026-11-28-0004-timers-by-candidacy": timersByCandidacy,
  "2026-11-28-0005-documents": documents,
  "2026-11-30-0030-throttle-hits": throttleHits,
  "2026-11-30-0040-outbox-dead-letters": outboxDeadLetters,
  "2026-11-30-0050-typed-candidacy-state": typedCandidacyState,
  "2026-11-30-0060-evaluator-pool": evaluatorPool,
  "2026-11-30-0070-evaluation-sessions": evaluationSessions,
  "2026-11-30-0080-deliberation-and-minutes": deliberationAndMinutes,
  "2026-11-30-0090-certificates": certificates,
  "2026-11-30-0100-queue-indexes": queueIndexes,
  "2026-11-30-0110-dashboard-indexes": dashboardIndexes,
  "2026-11-30-0120-stage-duration-histogram": stageDurationHistogram,
  "2026-11-30-0130-search-spells-unaccentable-letters": searchSpellsUnaccentableLetters,
};
