import { describe, expect, it } from "vitest";
import { evaluatorTodo } from "./evaluation-todo";

const base = {
  state: "evaluation",
  mine: "scoring" as const,
  sessionAttended: true,
  scored: 3,
  total: 19,
  signedByMe: false,
};

describe("what is left for an evaluator", () => {
  it("follows the evaluation step by step", () => {
    expect(evaluatorTodo({ ...base, mine: "pending" }).text).toContain("Déclarer l'absence de lien");
    expect(evaluatorTodo({ ...base, sessionAttended: false }).text).toBe(
      "Préparer la notation (3/19 compétences notées) ; transmission après la session",
    );
    expect(evaluatorTodo(base).text).toContain("Terminer la notation (3/19");
    expect(evaluatorTodo({ ...base, scored: 19 }).text).toBe("Transmettre vos notes");
    expect(evaluatorTodo({ ...base, mine: "submitted" }).text).toContain("en attente de l'autre évaluateur");
    expect(evaluatorTodo({ ...base, state: "deliberation" }).path).toBe("/deliberation");
    expect(evaluatorTodo({ ...base, state: "minutes" }).text).toContain("signer le procès-verbal");
    expect(evaluatorTodo({ ...base, state: "minutes", signedByMe: true }).text).toContain("autre évaluateur");
    expect(evaluatorTodo({ ...base, state: "decided" }).done).toBe(true);
  });
});
