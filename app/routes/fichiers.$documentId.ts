// Every stored file is read through here, and only here: the role and the object are checked (mayReadDocument),
// then an S3 store answers with a presigned URL valid five minutes and the local folder streams the file.
// Whoever may not read a file is told it does not exist, whether it does or not.
import { type LoaderFunctionArgs, createReadableStreamFromReadable, json, redirect } from "@remix-run/node";
import { findReadableDocument } from "~/services/documents.server";
import { contentDisposition, getStorage } from "~/services/storage";
import { requireUser } from "~/utils/auth.server";
import { getDb } from "~/utils/db.server";
import { parseIdParam } from "~/utils/http.server";

/** Shown in the browser rather than downloaded: types a browser displays without running anything. */
const INLINE_TYPES = new Set(["application/pdf", "image/jpeg", "image/png", "image/webp"]);
const PRESIGNED_SECONDS = 300;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const document = await findReadableDocument(
    await getDb(),
    user,
    parseIdParam(params, "documentId", "Document introuvable."),
  );
  if (!document) throw json({ message: "Document introuvable." }, { status: 404 });
  if (document.purgedAt) {
    throw json(
      { message: "Ce document a été supprimé une fois la recevabilité décidée : il n'est plus conservé." },
      { status: 410 },
    );
  }
  const download = new URL(request.url).searchParams.has("telecharger");
  const inline = !download && INLINE_TYPES.has(document.mediaType);
  const storage = getStorage();
  // nosniff and the referrer policy come from the server on every response (server/request-guards.ts): repeating
  // them here sent each header twice. Its Referrer-Policy, same-origin, already keeps this URL from the S3 server.
  const headers = { "Cache-Control": "private, no-store" };
  if (storage.downloadUrl) {
    const url = await storage.downloadUrl(document.storageKey, {
      expiresInSeconds: PRESIGNED_SECONDS,
      fileName: document.originalName,
      inline,
      contentType: document.mediaType,
    });
    return redirect(url, { headers });
  }
  const object = await storage.get(document.storageKey);
  if (!object) throw json({ message: "Le fichier est momentanément indisponible." }, { status: 503 });
  return new Response(createReadableStreamFromReadable(object.body), {
    headers: {
      ...headers,
      "Content-Type": document.mediaType,
      "Content-Length": String(object.size),
      "Content-Disposition": contentDisposition(document.originalName, inline),
    },
  });
}
