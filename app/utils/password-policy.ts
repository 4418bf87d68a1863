// What makes a password acceptable. Pure, shared by the sign-up form, the admin form and the CLI: a length, a mix of
// letters and something else, nothing among the most common choices once digits and symbols around it are set
// aside, nothing made mostly of repetitions or sequences, and nothing built on the user's e-mail address.
import { COMMON_PASSWORD_CORES } from "./common-passwords";

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

export const COMMON_PASSWORD_MESSAGE = "Ce mot de passe est trop courant : choisissez-en un moins prévisible.";
export const PREDICTABLE_PASSWORD_MESSAGE =
  "Ce mot de passe est trop prévisible (caractères répétés ou qui se suivent) : choisissez-en un plus varié.";

/** Below this many unpredictable characters, a password is mostly repetitions and sequences. */
const MIN_UNPREDICTABLE_CHARACTERS = 6;

let commonCores: Set<string> | undefined;
function isCommonCore(core: string): boolean {
  commonCores ??= new Set(COMMON_PASSWORD_CORES.split("\n").filter(Boolean));
  return commonCores.has(core);
}

/** The password without the digits and symbols around it, lower-cased: "2026Soleil!" gives "soleil". */
function coreOf(password: string): string {
  return password.toLowerCase().replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
}

/**
 * How many characters cannot be guessed from the one before: a character equal to the previous one, or next to
 * it in the alphabet or among digits (either way), adds nothing. "aaaaaaaaa1" and "abcdefghij" count 2 and 1.
 */
export function unpredictableCharacters(password: string): number {
  const chars = [...password.toLowerCase()];
  let count = 0;
  for (let i = 0; i < chars.length; i++) {
    const step = i === 0 ? NaN : chars[i]!.codePointAt(0)! - chars[i - 1]!.codePointAt(0)!;
    if (!(Math.abs(step) <= 1)) count++;
  }
  return count;
}

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
  const core = coreOf(password);
  if (isCommonCore(lowered) || (core.length >= 4 && isCommonCore(core))) return COMMON_PASSWORD_MESSAGE;
  // A short block repeated ("abcabcabc1", "azazazaz12") or mostly runs and repetitions ("aaaaaaaaa1", "abcdefgh12").
  if (/^(.{1,5})\1+$/u.test(core) || unpredictableCharacters(password) < MIN_UNPREDICTABLE_CHARACTERS) {
    return PREDICTABLE_PASSWORD_MESSAGE;
  }
  const localPart = context.email?.split("@")[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lowered.includes(localPart)) {
    return "Le mot de passe ne doit pas reprendre votre adresse e-mail.";
  }
  return null;
}
