// Delivers one outbox message by its topic: an e-mail, the removal of identity documents once admissibility is
// decided, or the PDF of signed minutes. Every handler is idempotent, since a message may be delivered more than
// once (see worker.server.ts).
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema";
import { MINUTES_PDF_TOPIC, PURGE_IDENTITY_DOCUMENTS_TOPIC } from "./candidacies.server";
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
): DeliverOutboxMessage {
  const email = emailDeliverer(db, mailer, publicUrl);
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
      default:
        throw new UndeliverableError(`Unknown outbox topic ${message.topic}`);
    }
  };
}
