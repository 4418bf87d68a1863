// Every piece of evidence of a filed version in one ZIP, with an index (number, name, caption, competencies,
// SHA-256): what reviewers download first. Streamed: files are read one at a time, never held in memory.
import { type LoaderFunctionArgs, createReadableStreamFromReadable, json } from "@remix-run/node";
import { streamEvidenceZip } from "~/services/dossier-export/evidence-zip.server";
import { readDossierExport } from "~/services/dossiers.server";
import { contentDisposition, getStorage } from "~/services/storage";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseIdParam, parseNumberParam } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const candidacyId = parseIdParam(params, "candidacyId", "Dossier introuvable.");
  const version = parseNumberParam(params, "version", { message: "Dossier introuvable." });
  const model = await readDossierExport(await getDb(), user, candidacyId, version);
  if (!model) throw json({ message: "Dossier introuvable." }, { status: 404 });
  const storage = getStorage();
  const zip = streamEvidenceZip(model, async (key) => (await storage.get(key))?.body ?? null);
  return new Response(createReadableStreamFromReadable(zip), {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": contentDisposition(`Pièces ${model.candidacyReference} v${model.version}.zip`, false),
      "Cache-Control": "private, no-store",
    },
  });
}
