// The PDF of an issued certificate or attestation (?edition=N for an earlier edition, the latest by default), for
// its holder and certifier staff; anyone else gets a 404, as for a certificate that does not exist.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { z } from "zod";
import { responseBodyOf } from "~/services/certificate-screens.server";
import { openCertificatePdf } from "~/services/certificates.server";
import { contentDisposition, getStorage } from "~/services/storage";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound, parseIdParam } from "~/utils/http.server";

const MESSAGE = "Document introuvable.";
const editionSchema = z.coerce.number().int().min(1).max(9999).optional();

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, ["certifier_staff", "candidate"]);
  const certificateId = parseIdParam(params, "certificateId", MESSAGE);
  const raw = new URL(request.url).searchParams.get("edition");
  const edition = editionSchema.safeParse(raw === null || raw === "" ? undefined : raw);
  if (!edition.success) throw notFound(MESSAGE);
  const outcome = await openCertificatePdf(
    await getDb(),
    getStorage(),
    { userId: user.id, role: user.actingRole },
    certificateId,
    edition.data,
  );
  if (!outcome.ok) throw json({ message: outcome.message }, { status: outcome.status });
  return new Response(responseBodyOf(outcome.body), {
    headers: {
      "Cache-Control": "private, no-store",
      "Content-Type": "application/pdf",
      "Content-Length": String(outcome.byteSize),
      "Content-Disposition": contentDisposition(outcome.fileName, false),
    },
  });
}
