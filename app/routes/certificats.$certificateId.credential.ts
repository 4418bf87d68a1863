// The signed credential (Open Badges 3.0, compact JWT) of an issued certificate, downloaded as `<number>.jwt`, for its
// holder and certifier staff; anyone else gets a 404.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { readCertificateCredential } from "~/services/certificates.server";
import { contentDisposition } from "~/services/storage";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseIdParam } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["certifier_staff", "candidate"]);
  const certificateId = parseIdParam(params, "certificateId", "Document introuvable.");
  const outcome = await readCertificateCredential(
    await getDb(),
    { userId: user.id, role: user.actingRole },
    certificateId,
  );
  if (!outcome.ok) throw json({ message: outcome.message }, { status: outcome.status });
  return new Response(outcome.jwt, {
    headers: {
      "Cache-Control": "private, no-store",
      "Content-Type": "application/vc+jwt",
      "Content-Disposition": contentDisposition(outcome.fileName, false),
    },
  });
}
