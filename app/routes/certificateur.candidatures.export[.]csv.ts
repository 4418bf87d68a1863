// Staff's registry as CSV, with the same filters as the page (/certificateur/candidatures/export.csv?<filters>):
// streamed page by page from the database, UTF-8 with a BOM, ";" between fields, for French spreadsheets.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { candidacyRegistryCsv, registryCsvFileName } from "~/services/candidacy-queues.server";
import { contentDisposition } from "~/services/storage";
import { requireRole } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, "certifier_staff");
  const now = new Date();
  const csv = candidacyRegistryCsv(await getDb(), user, new URL(request.url).searchParams, now);
  if (!csv.ok) throw json({ message: csv.message }, { status: csv.status });
  return new Response(csv.stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": contentDisposition(registryCsvFileName(now), false),
      "Cache-Control": "private, no-store",
    },
  });
}
