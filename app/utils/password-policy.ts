// What makes a password acceptable. Pure, shared by the sign-up form, the admin form and the CLI.

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

// The most common choices people make that pass a length rule; a longer list belongs to a breach-corpus check.
const COMMON_PASSWORDS = new Set([
  "motdepasse",
  "motdepasse1",
  "motdepasse123",
  "password123",
  "password1234",
  "azertyuiop",
  "azerty1234",
  "azerty12345",
  "qwertyuiop",
  "1234567890",
  "0123456789",
  "1234512345",
  "soleil12345",
  "bonjour1234",
  "iloveyou123",
  "administrateur",
  "candidat123",
]);

/** Returns a French message saying what to change, or null when the password is acceptable. */
export function passwordProblem(password: string, context: { email?: string; fullName?: string } = {}): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `Le mot de passe doit contenir au moins ${PASSWORD_MIN_LENGTH} caractères.`;
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `Le mot de passe ne peut pas dépasser ${PASSWORD_MAX_LENGTH} caractères.`;
  }
  const hasLetter = /\p{L}/u.test(password);
  const hasOther = /[^\p{L}]/u.test(password);
  if (!hasLetter || !hasOther) {
    return "Le mot de passe doit mêler des lettres et au moins un chiffre ou un symbole.";
  }
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered) || /^(.)\1+$/.test(password)) {
    return "Ce mot de passe est trop courant : choisissez-en un moins prévisible.";
  }
  const localPart = context.email?.split("@")[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lowered.includes(localPart)) {
    return "Le mot de passe ne doit pas reprendre votre adresse e-mail.";
  }
  return null;
}
