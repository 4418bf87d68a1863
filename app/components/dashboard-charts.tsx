// The certifier's dashboard: each figure of app/services/dashboard.server.ts as a chart with its sentence and its
// table. Pure presentation: every number arrives computed.
import type { Dashboard } from "~/services/dashboard.server";
import { formatDate } from "~/utils/format";
import { formatNumber, formatShare, monthLabel } from "../../workflows/statistics";
import { BarChart } from "./charts/bar-chart";
import { FunnelChart } from "./charts/funnel-chart";
import { PercentileChart } from "./charts/percentile-chart";
import { StackedBars } from "./charts/stacked-bars";

type Figures = Omit<Dashboard, "ok" | "fieldErrors" | "certifications" | "certificationId">;

const STAGE_LABELS: Record<Figures["stages"][number]["stage"], string> = {
  admissibility: "Recevabilité (demande → décision)",
  dossier: "Dossier (recevable → dépôt)",
  evaluation: "Évaluation (dépôt → décision)",
  result: "Résultat (décision → validation)",
};

const percent = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);
const days = (value: number | null) => (value === null ? "—" : formatNumber(value));
const list = (items: string[]) => (items.length === 0 ? "aucune donnée" : items.join(" ; "));

export function DashboardCharts({
  figures,
  multipleCertifications,
}: {
  figures: Figures;
  multipleCertifications: boolean;
}) {
  const { period, states, funnel, stages, admissibility, blocs, competencies, calibration } = figures;
  const during = `du ${formatDate(period.from)} au ${formatDate(period.to)}`;
  const prefix = (certificationCode: string) => (multipleCertifications ? `${certificationCode} · ` : "");

  const present = states.filter((s) => s.count > 0);
  const total = states.reduce((sum, s) => sum + s.count, 0);
  const largest = [...present].sort((a, b) => b.count - a.count).slice(0, 3);

  const funnelSteps = [
    { label: "Demandes déposées", count: funnel.requested },
    { label: "Recevables", count: funnel.admissible },
    { label: "Dossiers déposés", count: funnel.filed },
    { label: "Décisions rendues", count: funnel.decided },
    { label: "Résultats validés", count: funnel.validated },
  ];

  const answered = admissibility.reduce((sum, m) => sum + m.onTime + m.bySilence, 0);
  const silent = admissibility.reduce((sum, m) => sum + m.bySilence, 0);

  const worst = competencies.filter((c) => c.underFloor > 0).slice(0, 3);
  const widestGaps = calibration.slice(0, 3);

  return (
    <div className="charts">
      <section className="card" aria-labelledby="chart-states-heading">
        <h3 id="chart-states-heading">Candidatures par état aujourd'hui</h3>
        <BarChart
          id="chart-states"
          title="Candidatures par état aujourd'hui"
          description={`${total} candidature(s) en tout ; les plus nombreuses : ${list(largest.map((s) => `${s.label} (${s.count})`))}.`}
          rows={present.map((s) => ({ label: s.label, value: s.count, valueLabel: String(s.count) }))}
          table={{
            caption: "Nombre de candidatures par état, aujourd'hui",
            headers: ["État", "Candidatures"],
            rows: present.map((s) => [s.label, s.count]),
          }}
        />
      </section>

      <section className="card" aria-labelledby="chart-funnel-heading">
        <h3 id="chart-funnel-heading">Parcours des demandes déposées sur la période</h3>
        <p className="muted">Les demandes déposées {during}, et ce qu'elles sont devenues à ce jour.</p>
        <FunnelChart
          id="chart-funnel"
          title="Des demandes aux résultats validés"
          description={`Sur ${funnel.requested} demande(s) déposée(s) ${during} : ${funnel.admissible} recevable(s), ${funnel.filed} dossier(s) déposé(s), ${funnel.decided} décision(s) rendue(s), ${funnel.validated} résultat(s) validé(s).`}
          steps={funnelSteps}
          table={{
            caption: `Parcours des demandes déposées ${during}`,
            headers: ["Étape", "Candidatures", "Part des demandes"],
            rows: funnelSteps.map((s) => [s.label, s.count, formatShare(s.count, funnel.requested)]),
          }}
        />
      </section>

      <section className="card" aria-labelledby="chart-stages-heading">
        <h3 id="chart-stages-heading">Durée de chaque étape</h3>
        <p className="muted">Les étapes terminées {during}, en jours.</p>
        <PercentileChart
          id="chart-stages"
          title="Durée de chaque étape, médiane et 90e centile"
          description={`En jours, médiane puis 90e centile : ${stages
            .map((s) => `${STAGE_LABELS[s.stage]} ${days(s.medianDays)} et ${days(s.p90Days)}`)
            .join(" ; ")}.`}
          unit="j"
          rows={stages.map((s) => ({ label: STAGE_LABELS[s.stage], median: s.medianDays, p90: s.p90Days }))}
          table={{
            caption: `Durée des étapes terminées ${during}, en jours`,
            headers: ["Étape", "Étapes terminées", "Médiane (jours)", "90e centile (jours)"],
            rows: stages.map((s) => [STAGE_LABELS[s.stage], s.count, days(s.medianDays), days(s.p90Days)]),
          }}
        />
      </section>

      <section className="card" aria-labelledby="chart-silence-heading">
        <h3 id="chart-silence-heading">Recevabilité : décisions et silences</h3>
        <StackedBars
          id="chart-silence"
          title="Décisions de recevabilité par mois : décidées ou acquises par silence"
          description={`${answered} décision(s) de recevabilité ${during}, dont ${silent} acquise(s) par deux mois de silence (${formatShare(silent, answered)}).`}
          seriesLabels={["décidée par le chargé de recevabilité", "recevable par silence (2 mois)"]}
          rows={admissibility.map((m) => ({
            label: monthLabel(m.month),
            values: [m.onTime, m.bySilence] as const,
            valueLabel: m.bySilence > 0 ? `${m.onTime} + ${m.bySilence} par silence` : String(m.onTime),
          }))}
          table={{
            caption: `Décisions de recevabilité par mois, ${during}`,
            headers: ["Mois", "Décidées", "Par silence", "Part du silence"],
            rows: admissibility.map((m) => [
              monthLabel(m.month),
              m.onTime,
              m.bySilence,
              formatShare(m.bySilence, m.onTime + m.bySilence),
            ]),
          }}
        />
      </section>

      <section className="card" aria-labelledby="chart-blocs-heading">
        <h3 id="chart-blocs-heading">Blocs obtenus</h3>
        <p className="muted">Les décisions rendues {during}, par bloc évalué.</p>
        <BarChart
          id="chart-blocs"
          title="Taux d'obtention par bloc"
          description={`Part des blocs évalués qui ont été obtenus : ${list(
            blocs.map(
              (b) =>
                `${prefix(b.certificationCode)}${b.blocCode} ${formatShare(b.awarded, b.assessed)} sur ${b.assessed}`,
            ),
          )}.`}
          axisMax={100}
          rows={blocs.map((b) => ({
            label: `${prefix(b.certificationCode)}${b.blocCode} — ${b.title}`,
            value: percent(b.awarded, b.assessed),
            valueLabel: formatShare(b.awarded, b.assessed),
          }))}
          table={{
            caption: `Blocs évalués et obtenus, décisions ${during}`,
            headers: ["Bloc", "Évalués", "Obtenus", "Taux d'obtention"],
            rows: blocs.map((b) => [
              `${prefix(b.certificationCode)}${b.blocCode} — ${b.title}`,
              b.assessed,
              b.awarded,
              formatShare(b.awarded, b.assessed),
            ]),
          }}
        />
      </section>

      <section className="card" aria-labelledby="chart-competencies-heading">
        <h3 id="chart-competencies-heading">Compétences le plus souvent sous le plancher</h3>
        <p className="muted">
          Part des notes communes sous le plancher de la compétence (50 %), décisions {during}, les plus échouées
          d'abord.
        </p>
        <BarChart
          id="chart-competencies"
          title="Part des candidats sous le plancher, par compétence"
          description={`Compétences le plus souvent sous le plancher : ${list(
            worst.map((c) => `${c.competencyCode} ${formatShare(c.underFloor, c.assessed)}`),
          )}.`}
          axisMax={100}
          rows={competencies.map((c) => ({
            label: `${prefix(c.certificationCode)}${c.competencyCode} ${c.statement}`,
            value: percent(c.underFloor, c.assessed),
            valueLabel: formatShare(c.underFloor, c.assessed),
          }))}
          table={{
            caption: `Notes communes sous le plancher par compétence, décisions ${during}`,
            headers: ["Compétence", "Notes communes", "Sous le plancher", "Part"],
            rows: competencies.map((c) => [
              `${prefix(c.certificationCode)}${c.competencyCode} ${c.statement}`,
              c.assessed,
              c.underFloor,
              formatShare(c.underFloor, c.assessed),
            ]),
          }}
        />
      </section>

      <section className="card" aria-labelledby="chart-calibration-heading">
        <h3 id="chart-calibration-heading">Étalonnage des évaluateurs</h3>
        <p className="muted">
          Pour chaque évaluateur, l'écart moyen (en points) entre sa note et celle de l'autre évaluateur du binôme sur
          la même compétence, et la part de ses dossiers passés en délibération ; décisions {during}.
        </p>
        <BarChart
          id="chart-calibration"
          title="Écart moyen de chaque évaluateur à son binôme"
          description={`Écart moyen à l'autre évaluateur, en points : ${list(
            widestGaps.map((e) => `${e.fullName} ${formatNumber(Number(e.meanGap))}`),
          )}${calibration.length > 3 ? " ; puis les autres évaluateurs" : ""}.`}
          rows={calibration.map((e) => ({
            label: `${e.fullName} (${e.dossiers} dossier${e.dossiers > 1 ? "s" : ""})`,
            value: Number(e.meanGap),
            valueLabel: `${formatNumber(Number(e.meanGap))} pt`,
          }))}
          table={{
            caption: `Étalonnage des évaluateurs, décisions ${during}`,
            headers: ["Évaluateur", "Dossiers", "Écart moyen (points)", "Délibérations", "Part en délibération"],
            rows: calibration.map((e) => [
              e.fullName,
              e.dossiers,
              formatNumber(Number(e.meanGap)),
              e.deliberations,
              formatShare(e.deliberations, e.dossiers),
            ]),
          }}
        />
      </section>
    </div>
  );
}
