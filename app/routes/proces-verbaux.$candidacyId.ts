// The PDF of the signed minutes of a candidacy, for the two evaluators who signed it and certifier staff; anyone
// else, or before the PDF is stored, gets a 404. Streamed from storage, or a 5-minute presigned URL on S3.
import { type LoaderFunctionArgs, createReadableStreamFromReadable, json, redirect } from "@remix-run/node";
import { findMinutesPdf } from "~/services/minutes.server";
import { contentDisposition, getStorage } from "~/services/storage";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { notFound, parseIdParam } from "~/utils/http.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const candidacyId = parseIdParam(params, "candidacyId", "Procès-verbal introuvable.");
  const document = await findMinutesPdf(await getDb(), user, candidacyId);
  if (!document) throw notFound("Procès-verbal introuvable.");
  const storage = getStorage();
  const headers = { "Cache-Control": "private, no-store" };
  if (storage.downloadUrl) {
    const url = await storage.downloadUrl(document.storageKey, {
      expiresInSeconds: 300,
      fileName: document.fileName,
      inline: false,
      contentType: "application/pdf",
    });
    return redirect(url, { headers });
  }
  const object = await storage.get(document.storageKey);
  if (!object) throw json({ message: "Le fichier est momentanément indisponible." }, { status: 503 });
  return new Response(createReadableStreamFromReadable(object.body), {
    headers: {
      ...headers,
      "Content-Type": "application/pdf",
      "Content-Length": String(object.size),
      "Content-Disposition": contentDisposition(document.fileName, false),
    },
  });
}
