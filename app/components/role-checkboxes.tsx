// The role choice of the admin's account forms.
import { ROLES, type Role } from "../../db/schema";
import { ROLE_LABELS } from "~/utils/roles";

export function RoleCheckboxes({ selected, error }: { selected: readonly Role[]; error?: string }) {
  return (
    <fieldset className={error ? "field field--error" : "field"} aria-describedby={error ? "roles-error" : undefined}>
      <legend>Rôles</legend>
      {ROLES.map((role) => (
        <label key={role} className="checkbox">
          <input type="checkbox" name="roles" value={role} defaultChecked={selected.includes(role)} />{" "}
          {ROLE_LABELS[role]}
        </label>
      ))}
      {error ? (
        <p className="field__error" id="roles-error" role="alert">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
