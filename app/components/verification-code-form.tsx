// The code field of the public verification pages: a plain GET form to /verifier, which redirects to the code's page.
import { Form } from "@remix-run/react";

export function VerificationCodeForm({ defaultValue }: { defaultValue?: string }) {
  return (
    <Form method="get" action="/verifier" className="form" role="search">
      <div className="field">
        <label htmlFor="verification-code">Code de vérification</label>
        <p className="field__hint" id="verification-code-hint">
          Imprimé sur le document, par exemple 7KQ2-M9XD-4TPA-R3WB-HC (majuscules, espaces et tirets indifférents).
        </p>
        <input
          id="verification-code"
          name="code"
          required
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          defaultValue={defaultValue}
          aria-describedby="verification-code-hint"
        />
      </div>
      <button type="submit" className="button">
        Vérifier
      </button>
    </Form>
  );
}
