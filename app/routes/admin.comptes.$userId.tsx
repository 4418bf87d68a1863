// One account for the admin: its roles and whether it may log in. Any change ends the account's open sessions.
import { type ActionFunctionArgs, type LoaderFunctionArgs, json } from "@remix-run/node";
import { Form, Link, type Params, useActionData, useLoaderData } from "@remix-run/react";
import { listAuditEvents } from "../../db/queries/audit";
import { getUserWithRoles } from "../../db/queries/users";
import { updateAccount } from "~/services/accounts.server";
import { FormAlert } from "~/components/form-field";
import { RoleCheckboxes } from "~/components/role-checkboxes";
import { GeneralErrorBoundary } from "~/components/status-page";
import { clientIp, requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { auditActionLabel } from "~/utils/audit-labels";
import { formatDateTime } from "~/utils/format";
import { parseForm } from "~/utils/forms";
import { updateAccountSchema } from "~/utils/validation";
import { notFound, parseIdParam, readFormData } from "~/utils/http.server";

async function loadAccount(params: Params) {
  const account = await getUserWithRoles(await getDb(), parseIdParam(params, "userId", "Compte introuvable."));
  if (!account) throw notFound("Compte introuvable.");
  return account;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, "admin");
  const account = await loadAccount(params);
  const events = await listAuditEvents(await getDb(), { subjectType: "user", subjectId: account.id, limit: 50 });
  return json({ account, events });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const admin = await requireRole(request, "admin");
  const account = await loadAccount(params);
  const form = parseForm(updateAccountSchema, await readFormData(request));
  if (!form.ok) return json({ ok: false, fieldErrors: form.fieldErrors, formError: null }, { status: 400 });
  const outcome = await updateAccount(await getDb(), { userId: admin.id, role: "admin" }, account.id, form.data, {
    ip: clientIp(context),
  });
  if (!outcome.ok) {
    return json(
      { ok: false, fieldErrors: outcome.fieldErrors as Record<string, string>, formError: outcome.formError ?? null },
      { status: 400 },
    );
  }
  return json({ ok: true, fieldErrors: {} as Record<string, string>, formError: null });
}

export default function AccountPage() {
  const { account, events } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <div className="narrow">
      <p>
        <Link to="/admin">← Comptes</Link>
      </p>
      <h1>{account.fullName}</h1>
      <p className="muted">
        {account.email} — créé le {formatDateTime(account.createdAt)}
      </p>
      {actionData?.ok ? (
        <div className="alert alert--success" role="status">
          Les modifications sont enregistrées. Les sessions ouvertes de ce compte ont été fermées.
        </div>
      ) : null}
      <Form method="post" className="form" key={account.roles.join() + String(account.isActive)}>
        <FormAlert message={actionData?.formError} />
        <RoleCheckboxes selected={account.roles} error={actionData?.fieldErrors?.roles} />
        <fieldset className="field">
          <legend>Accès au portail</legend>
          <label className="checkbox">
            <input type="radio" name="isActive" value="true" defaultChecked={account.isActive} /> Actif
          </label>
          <label className="checkbox">
            <input type="radio" name="isActive" value="false" defaultChecked={!account.isActive} /> Désactivé (ne peut
            plus se connecter)
          </label>
        </fieldset>
        <button type="submit" className="button">
          Enregistrer
        </button>
      </Form>
      <section>
        <h2>Historique du compte</h2>
        <ul className="timeline">
          {events.map((e) => (
            <li key={e.id}>
              <time dateTime={String(e.occurredAt)}>{formatDateTime(e.occurredAt)}</time> — {auditActionLabel(e.action)}
              {e.actorName ? ` par ${e.actorName}` : e.actorRole === "system" ? " par le système" : ""}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

export const ErrorBoundary = GeneralErrorBoundary;
