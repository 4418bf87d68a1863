// The fields that tie a piece of evidence to what it proves: a caption, the competencies it illustrates (one file
// may support several) and, optionally, the evaluation criteria it answers.
export interface ScopeBlocView {
  code: string;
  number: number;
  title: string;
  competencies: Array<{ code: string; statement: string; criteria: Array<{ id: string; text: string }> }>;
}

/** The one-sentence caption of a piece of evidence. */
export function CaptionField({ id, defaultValue = "", error }: { id: string; defaultValue?: string; error?: string }) {
  return (
    <div className={error ? "field field--error" : "field"}>
      <label htmlFor={id}>Légende</label>
      <p className="field__hint">Ce que montre la pièce et pourquoi elle compte, en une phrase.</p>
      <input id={id} name="caption" defaultValue={defaultValue} maxLength={500} required />
      {error ? <p className="field__error">{error}</p> : null}
    </div>
  );
}

export function EvidenceLinksFields({
  idPrefix,
  blocs,
  caption = "",
  competencyCodes = [],
  criterionIds = [],
  withCriteria,
  errors,
}: {
  idPrefix: string;
  blocs: ScopeBlocView[];
  caption?: string;
  competencyCodes?: string[];
  criterionIds?: string[];
  withCriteria: boolean;
  errors: Record<string, string>;
}) {
  return (
    <>
      <CaptionField id={`${idPrefix}-caption`} defaultValue={caption} error={errors.caption} />
      <fieldset className={errors.competencyCodes || errors.criterionIds ? "field field--error" : "field"}>
        <legend>Compétences illustrées</legend>
        {blocs.map((bloc) => (
          <div key={bloc.code}>
            <p className="muted">
              Bloc {bloc.number} — {bloc.title}
            </p>
            {bloc.competencies.map((c) => (
              <div key={c.code}>
                <div className="checkbox">
                  <input
                    type="checkbox"
                    id={`${idPrefix}-${c.code}`}
                    name="competencyCodes"
                    value={c.code}
                    defaultChecked={competencyCodes.includes(c.code)}
                  />
                  <label htmlFor={`${idPrefix}-${c.code}`}>
                    <strong>{c.code}</strong> {c.statement}
                  </label>
                </div>
                {withCriteria && c.criteria.length > 0 ? (
                  <details className="criteria-choice">
                    <summary>Critères d'évaluation de {c.code} (facultatif)</summary>
                    {c.criteria.map((criterion) => (
                      <div className="checkbox" key={criterion.id}>
                        <input
                          type="checkbox"
                          id={`${idPrefix}-${criterion.id}`}
                          name="criterionIds"
                          value={criterion.id}
                          defaultChecked={criterionIds.includes(criterion.id)}
                        />
                        <label htmlFor={`${idPrefix}-${criterion.id}`}>{criterion.text}</label>
                      </div>
                    ))}
                  </details>
                ) : null}
              </div>
            ))}
          </div>
        ))}
        {errors.competencyCodes ? <p className="field__error">{errors.competencyCodes}</p> : null}
        {errors.criterionIds ? <p className="field__error">{errors.criterionIds}</p> : null}
      </fieldset>
    </>
  );
}
