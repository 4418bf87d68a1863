// French wording of the audit log's action codes, for the pages that show the log.
const LABELS: Record<string, string> = {
  ACCOUNT_SIGNED_UP: "Inscription du candidat",
  ACCOUNT_SIGN_UP_REPEATED: "Inscription demandée avec l'adresse de ce compte (rien n'a été créé)",
  ACCOUNT_CREATED: "Création du compte",
  ACCOUNT_UPDATED: "Modification des rôles ou de l'accès",
  REFERENTIAL_LOADED: "Chargement d'une version du référentiel",
  OUTBOX_MESSAGE_RETRIED: "Nouvel essai d'un envoi en échec",
  EVALUATOR_PROFILE_CREATED: "Ajout au vivier d'évaluateurs",
  EVALUATOR_PROFILE_UPDATED: "Modification du profil d'évaluateur",
  EVALUATOR_AVAILABILITY_ADDED: "Ajout d'une période de disponibilité",
  EVALUATOR_AVAILABILITY_REMOVED: "Retrait d'une période de disponibilité",
};

export function auditActionLabel(action: string): string {
  return LABELS[action] ?? action;
}
