// What is left for an evaluator to do on one dossier, in plain French, for "Mes dossiers" and the dossier's page.
export interface TodoInput {
  state: string;
  /** The evaluator's own region: pending (not declared), scoring, submitted; null outside evaluation. */
  mine: "pending" | "scoring" | "submitted" | "vacant" | null;
  sessionAttended: boolean;
  scored: number;
  total: number;
  signedByMe: boolean;
}

export interface Todo {
  text: string;
  /** The page where it is done, relative to /evaluation/:id. */
  path: "" | "/deliberation" | "/proces-verbal";
  done: boolean;
}

export function evaluatorTodo(input: TodoInput): Todo {
  const { state, mine } = input;
  if (state === "evaluation") {
    if (mine === "pending")
      return { text: "Déclarer l'absence de lien avec le candidat (ou un conflit d'intérêts)", path: "", done: false };
    if (mine === "scoring") {
      const progress = `${input.scored}/${input.total} compétences notées`;
      if (!input.sessionAttended)
        return { text: `Préparer la notation (${progress}) ; transmission après la session`, path: "", done: false };
      return input.scored < input.total
        ? { text: `Terminer la notation (${progress}) et transmettre vos notes`, path: "", done: false }
        : { text: "Transmettre vos notes", path: "", done: false };
    }
    if (mine === "submitted")
      return { text: "Notes transmises : en attente de l'autre évaluateur", path: "", done: false };
    return { text: "—", path: "", done: false };
  }
  if (state === "deliberation")
    return { text: "Délibérer sur les compétences en désaccord", path: "/deliberation", done: false };
  if (state === "minutes")
    return input.signedByMe
      ? {
          text: "Procès-verbal signé : en attente de la signature de l'autre évaluateur",
          path: "/proces-verbal",
          done: false,
        }
      : { text: "Compléter les recommandations et signer le procès-verbal", path: "/proces-verbal", done: false };
  if (state === "decided" || state === "certified" || state === "closed")
    return { text: "Terminé : procès-verbal signé", path: "/proces-verbal", done: true };
  if (state.startsWith("dossier."))
    return { text: "Dossier renvoyé au candidat : en attente de sa nouvelle version", path: "", done: false };
  return { text: "—", path: "", done: true };
}
