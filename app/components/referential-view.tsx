// The referential of a certification as people read it: blocs, competencies with their activities and evaluation
// criteria, the evaluation modalities and the validation rule. Used by the public page and the staff page.
import type { ReferentialView } from "../../db/queries/referential";
import { formatDecimal } from "~/utils/format";

const percent = (value: string) => `${formatDecimal(value)} %`;

export function ValidationRule({ referential }: { referential: ReferentialView }) {
  const { rule } = referential;
  return (
    <section className="card" aria-labelledby="regle-validation">
      <h2 id="regle-validation">Validation d'un bloc et du CQP</h2>
      <p>{rule.text}</p>
      <ul className="facts">
        <li>
          Moyenne des compétences du bloc : au moins <strong>{percent(rule.blocMeanThresholdPercent)}</strong>
        </li>
        <li>
          Chaque compétence du bloc : au moins <strong>{percent(rule.competencyFloorPercent)}</strong>
        </li>
      </ul>
      <h3>Poids de chaque évaluation (parcours de formation)</h3>
      <ul className="facts">
        {rule.weights.map((w) => (
          <li key={w.kind}>
            {w.label} : <strong>{w.weightPercent} %</strong>
          </li>
        ))}
      </ul>
      <ul>
        {referential.awardStatements.map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
    </section>
  );
}

export function VaeSteps({ steps }: { steps: string[] }) {
  return (
    <ol className="steps">
      {steps.map((step) => (
        <li key={step}>{step}</li>
      ))}
    </ol>
  );
}

export function BlocsView({
  referential,
  showModalities = true,
}: {
  referential: ReferentialView;
  showModalities?: boolean;
}) {
  return (
    <>
      <nav aria-label="Blocs de compétences" className="toc">
        <ul>
          {referential.blocs.map((bloc) => (
            <li key={bloc.id}>
              <a href={`#bloc-${bloc.number}`}>
                Bloc {bloc.number} — {bloc.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {referential.blocs.map((bloc) => (
        <section
          key={bloc.id}
          id={`bloc-${bloc.number}`}
          className="bloc"
          aria-labelledby={`bloc-${bloc.number}-titre`}
        >
          <h2 id={`bloc-${bloc.number}-titre`}>
            Bloc de compétences {bloc.number} : {bloc.title}
          </h2>
          <p className="muted">{bloc.competencies.length} compétences</p>
          {bloc.competencies.map((competency) => (
            <article key={competency.id} className="competency" id={`competence-${competency.code}`}>
              <h3>
                <span className="code">{competency.code}</span> {competency.statement}
              </h3>
              <div className="competency__columns">
                <div>
                  <h4>Activités {competency.activitiesCode}</h4>
                  <ul>
                    {competency.activities.map((a) => (
                      <li key={a}>{a}</li>
                    ))}
                  </ul>
                </div>
                <div>
                  <h4>Critères d'évaluation : {competency.criteriaHeading}</h4>
                  <ul>
                    {competency.criteria.map((c) => (
                      <li key={c.id}>{c.text}</li>
                    ))}
                  </ul>
                </div>
              </div>
            </article>
          ))}
          {showModalities && bloc.modalities.length > 0 ? (
            <details className="modalities">
              <summary>Modalités d'évaluation du bloc {bloc.number}</summary>
              {bloc.modalities.map((m) => (
                <div key={m.rank} className="modality">
                  <h4>
                    Évaluation {m.rank} : {m.title}
                  </h4>
                  <p>{m.description}</p>
                  <dl>
                    <dt>Durée</dt>
                    <dd>{m.duration}</dd>
                    <dt>Lieu</dt>
                    <dd>{m.location}</dd>
                    <dt>Évaluateur</dt>
                    <dd>{m.evaluators}</dd>
                  </dl>
                </div>
              ))}
            </details>
          ) : null}
        </section>
      ))}
    </>
  );
}
