// The filed version of a dossier as one PDF: cover, narratives per bloc and competency, index of evidence with
// their SHA-256, and the uploaded PDFs and images appended. Same readers as the dossier page.
import { type LoaderFunctionArgs, json } from "@remix-run/node";
import { buildDossierPdf } from "~/services/dossier-export/dossier-pdf.server";
import { readDossierExport } from "~/services/dossiers.server";
import { contentDisposition, getStorage } from "~/services/storage";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { getConfig } from "~/utils/env.server";
import { parseIdParam, parseNumberParam } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const candidacyId = parseIdParam(params, "candidacyId", "Dossier introuvable.");
  const version = parseNumberParam(params, "version", { message: "Dossier introuvable." });
  const model = await readDossierExport(await getDb(), user, candidacyId, version);
  if (!model) throw json({ message: "Dossier introuvable." }, { status: 404 });
  const storage = getStorage();
  const pdf = await buildDossierPdf(model, async (key) => (await storage.get(key))?.body ?? null, {
    publicUrl: getConfig().publicUrl,
  });
  // pdf-lib allocates a plain ArrayBuffer; its declared type is only wider.
  return new Response(pdf as Uint8Array<ArrayBuffer>, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Length": String(pdf.byteLength),
      "Content-Disposition": contentDisposition(`Dossier ${model.candidacyReference} v${model.version}.pdf`, false),
      "Cache-Control": "private, no-store",
    },
  });
}
