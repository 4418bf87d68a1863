// What an admissibility request must hold before it is filed (Code de l'éducation R335-7 II): an identity document,
// at least one proof of the activities it rests on, and the signed sworn statement. Pure: the service applies it to
// the request's documents under the candidacy's lock when the request is filed or re-filed, and the candidate's page
// shows the same list before they click.

/** The kinds of document a request cannot be filed without, in the order the candidate is told about them. */
export const REQUIRED_REQUEST_DOCUMENTS = ["identity", "activity_proof", "sworn_statement"] as const;

export type RequiredRequestDocument = (typeof REQUIRED_REQUEST_DOCUMENTS)[number];

/** How each missing document is named in a sentence ("joignez …"). */
export const REQUIRED_REQUEST_DOCUMENT_NAMES: Record<RequiredRequestDocument, string> = {
  identity: "une pièce d'identité en cours de validité",
  activity_proof: "au moins un justificatif d'activité (attestation d'employeur, bulletins de salaire, contrat…)",
  sworn_statement: "la déclaration sur l'honneur signée",
};

/** The required kinds absent from the request's documents (given by their kinds), in REQUIRED_REQUEST_DOCUMENTS order. */
export function missingRequestDocuments(documentKinds: Iterable<string>): RequiredRequestDocument[] {
  const present = new Set(documentKinds);
  return REQUIRED_REQUEST_DOCUMENTS.filter((kind) => !present.has(kind));
}

/** "a", "a et b", "a, b et c". */
function frenchList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} et ${items.at(-1)}`;
}

/**
 * Whether the request can be filed, and when it cannot, the French message that lists what is missing and says
 * where to add it.
 */
export function checkRequestDocuments(
  documentKinds: Iterable<string>,
): { complete: true } | { complete: false; missing: RequiredRequestDocument[]; message: string } {
  const missing = missingRequestDocuments(documentKinds);
  if (missing.length === 0) return { complete: true };
  return {
    complete: false,
    missing,
    message:
      `Votre demande ne peut pas encore être déposée : joignez ${frenchList(missing.map((kind) => REQUIRED_REQUEST_DOCUMENT_NAMES[kind]))} ` +
      `depuis la page « Pièces de ma demande ».`,
  };
}
