// Delivers one outbox message by its topic: an e-mail, the removal of identity documents once admissibility is
// decided, the PDF of signed minutes, or the certificate of a validated decision. Every handler is idempotent, since a message may be delivered more than
// once (see worker.server.ts).
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { getConfig } from "../utils/env.server";
import { CERTIFICATES_ISSUE_TOPIC, MINUTES_PDF_TOPIC, PURGE_IDENTITY_DOCUMENTS_TOPIC } from "./candidacies.server";
import { type CertificateIssuingDeps, issueCertificatesForCandidacy } from "./certificate-issuing.server";
import { loadIssuerKey } from "./credentials/signing-key.server";
import { purgeIdentityDocuments } from "./documents.server";
import { UndeliverableError, emailDeliverer } from "./email-delivery.server";
import type { Mailer } from "./mailer.server";
import { renderAndStoreMinutes } from "./minutes.server";
import type { ObjectStorage } from "./storage";
import type { DeliverOutboxMessage } from "./worker.server";

export function outboxDeliverer(
  db: Kysely<Database>,
  mailer: Mailer,
  storage: ObjectStorage,
  publicUrl: string,
  /** Who issues certificates and the signing key; by default from the configuration (app/utils/env.server.ts). */
  certificates?: Pick<CertificateIssuingDeps, "certifier" | "issuerKey">,
): DeliverOutboxMessage {
  const email = emailDeliverer(db, mailer, publicUrl);
  // Read when the first certificate is issued: most deliverers never issue one.
  const issuing = (): CertificateIssuingDeps => ({
    storage,
    publicUrl,
    certifier: certificates?.certifier ?? getConfig().certifier,
    issuerKey: certificates?.issuerKey ?? (async () => loadIssuerKey(getConfig())),
  });
  return async (message) => {
    switch (message.topic) {
      case "email":
        return email(message);
      case PURGE_IDENTITY_DOCUMENTS_TOPIC:
        await purgeIdentityDocuments(
          db,
          storage,
          message.payload as { candidacyId: string; decidedBy: string | null; decidedAt: string },
        );
        return;
      case MINUTES_PDF_TOPIC:
        await renderAndStoreMinutes(db, storage, message.payload as { candidacyId: string });
        return;
      case CERTIFICATES_ISSUE_TOPIC:
        await issueCertificatesForCandidacy(db, issuing(), (message.payload as { candidacyId: string }).candidacyId);
        return;
      default:
        throw new UndeliverableError(`Unknown outbox topic ${message.topic}`);
    }
  };
}
