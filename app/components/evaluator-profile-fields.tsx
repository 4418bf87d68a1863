// The fields of an evaluator's profile, shared by the creation form and the profile page: civilité, employer and
// SIRET, sectors, the certifications the evaluator is qualified for, active or not. Errors beside each field.
import { FormField } from "~/components/form-field";

export type ProfileFormValues = {
  fullName?: string;
  civility?: string;
  employerName?: string;
  employerSiret?: string;
  sectors?: string;
  certificationIds?: string[];
  isActive?: boolean;
};

export function EvaluatorProfileFields({
  values,
  errors,
  certifications,
  nameField = true,
}: {
  values: ProfileFormValues;
  errors: Record<string, string | undefined>;
  certifications: ReadonlyArray<{ id: string; code: string; title: string }>;
  nameField?: boolean;
}) {
  const selected = new Set(values.certificationIds ?? []);
  return (
    <>
      {nameField ? (
        <FormField
          name="fullName"
          label="Prénom et nom"
          autoComplete="off"
          defaultValue={values.fullName}
          error={errors.fullName}
        />
      ) : null}
      <div className={errors.civility ? "field field--error" : "field"}>
        <label htmlFor="field-civility">Civilité (facultative)</label>
        <p className="field__hint" id="field-civility-hint">
          Sert seulement à signaler un binôme qui ne serait pas mixte.
        </p>
        <select
          id="field-civility"
          name="civility"
          defaultValue={values.civility ?? ""}
          aria-describedby={errors.civility ? "field-civility-hint field-civility-error" : "field-civility-hint"}
          aria-invalid={errors.civility ? true : undefined}
        >
          <option value="">Non précisée</option>
          <option value="Mme">Mme</option>
          <option value="M.">M.</option>
        </select>
        {errors.civility ? (
          <p className="field__error" id="field-civility-error" role="alert">
            {errors.civility}
          </p>
        ) : null}
      </div>
      <FormField
        name="employerName"
        label="Employeur"
        hint="L'entreprise où l'évaluateur exerce : elle ne doit pas être celle d'un candidat qu'il évalue."
        defaultValue={values.employerName}
        error={errors.employerName}
      />
      <FormField
        name="employerSiret"
        label="SIRET de l'employeur (facultatif)"
        hint="14 chiffres, espaces permis."
        inputMode="numeric"
        autoComplete="off"
        defaultValue={values.employerSiret}
        error={errors.employerSiret}
      />
      <div className={errors.sectors ? "field field--error" : "field"}>
        <label htmlFor="field-sectors">Secteurs d'activité</label>
        <p className="field__hint" id="field-sectors-hint">
          Un par ligne, ou séparés par des virgules (par exemple : Boulangerie, Crèmerie).
        </p>
        <textarea
          id="field-sectors"
          name="sectors"
          rows={3}
          defaultValue={values.sectors}
          aria-describedby={errors.sectors ? "field-sectors-hint field-sectors-error" : "field-sectors-hint"}
          aria-invalid={errors.sectors ? true : undefined}
        />
        {errors.sectors ? (
          <p className="field__error" id="field-sectors-error" role="alert">
            {errors.sectors}
          </p>
        ) : null}
      </div>
      <fieldset
        className={errors.certificationIds ? "field field--error" : "field"}
        aria-describedby={errors.certificationIds ? "field-certificationIds-error" : undefined}
      >
        <legend>Certifications pour lesquelles l'évaluateur est habilité</legend>
        {certifications.map((c) => (
          <label key={c.id} className="checkbox">
            <input type="checkbox" name="certificationIds" value={c.id} defaultChecked={selected.has(c.id)} /> {c.title}{" "}
            <span className="muted">({c.code})</span>
          </label>
        ))}
        {errors.certificationIds ? (
          <p className="field__error" id="field-certificationIds-error" role="alert">
            {errors.certificationIds}
          </p>
        ) : null}
      </fieldset>
      <div className="field checkbox">
        <input type="checkbox" id="field-isActive" name="isActive" defaultChecked={values.isActive ?? true} />
        <label htmlFor="field-isActive">Profil actif : l'évaluateur peut être proposé pour un binôme</label>
      </div>
    </>
  );
}

/** What the form sent, to show it again beside the errors (never the password). */
export function submittedProfileValues(formData: FormData): ProfileFormValues & { account: string; email: string } {
  const text = (name: string) => {
    const value = formData.get(name);
    return typeof value === "string" ? value : "";
  };
  return {
    account: text("account"),
    email: text("email"),
    fullName: text("fullName"),
    civility: text("civility"),
    employerName: text("employerName"),
    employerSiret: text("employerSiret"),
    sectors: text("sectors"),
    certificationIds: formData.getAll("certificationIds").filter((v): v is string => typeof v === "string"),
    isActive: formData.get("isActive") === "on",
  };
}
