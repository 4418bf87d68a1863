// The e-mails about a person's account: the welcome after a sign-up, and the warning sent to an account's owner
// when someone signs up with their address (the sign-up page answers the same in both cases, see
// docs/decisions/014). Wording and layout only.
import { type TemplateOutput, frenchDate } from "./layout";
import type { SignUpExistingAccountData, SignUpWelcomeData } from "./types";

const LOG_IN = { type: "action", label: "Me connecter au portail", path: "/connexion" } as const;

export function signUpWelcome(_data: SignUpWelcomeData): TemplateOutput {
  return {
    subject: "Votre compte candidat est créé",
    blocks: [
      {
        type: "paragraph",
        text: "Votre compte candidat sur le portail de validation des acquis de l'expérience (VAE) est créé avec cette adresse e-mail.",
      },
      {
        type: "paragraph",
        text: "Connectez-vous avec cette adresse et le mot de passe que vous avez choisi : vous pourrez alors déposer votre demande de recevabilité, puis rédiger votre dossier.",
      },
      LOG_IN,
      {
        type: "paragraph",
        text: "Si vous n'êtes pas à l'origine de cette inscription, contactez l'organisme certificateur pour faire désactiver ce compte.",
      },
    ],
  };
}

export function signUpExistingAccount(data: SignUpExistingAccountData): TemplateOutput {
  return {
    subject: "Tentative d'inscription avec votre adresse e-mail",
    blocks: [
      {
        type: "paragraph",
        text: `Le ${frenchDate(data.attemptedAt)}, quelqu'un a demandé la création d'un compte candidat sur le portail VAE avec votre adresse e-mail. Vous avez déjà un compte avec cette adresse : aucun nouveau compte n'a été créé et le vôtre n'a pas été modifié.`,
      },
      {
        type: "paragraph",
        text: "Si c'était vous, connectez-vous simplement avec votre adresse e-mail et votre mot de passe habituel.",
      },
      LOG_IN,
      {
        type: "paragraph",
        text: "Si vous avez oublié votre mot de passe, contactez l'organisme certificateur : il vous aidera à retrouver l'accès à votre compte.",
      },
      {
        type: "paragraph",
        text: "Si ce n'était pas vous, vous n'avez rien à faire : votre compte reste protégé par votre mot de passe.",
      },
    ],
  };
}
