// The rules of certificates that need no database: what a validated decision issues (the full CQP or an
// attestation of blocs), how numbers are written, and the verification code's alphabet (Crockford base32: no I, L,
// O or U, so that a code read aloud or typed from paper survives). Randomness comes from the caller.
export type CertificateKind = "full" | "blocs";

/** What a validated decision issues: the full certificate once every bloc is held (here or before), else an attestation. */
export function certificateToIssue(input: {
  result: "full" | "partial" | "none" | undefined;
  /** Every bloc the candidate holds for this certification, across candidacies (acquired_blocs). */
  heldBlocCodes: readonly string[];
  /** The blocs of the certification's referential, in its order. */
  referentialBlocCodes: readonly string[];
}): { kind: CertificateKind; blocCodes: string[] } | null {
  if (input.result !== "full" && input.result !== "partial") return null;
  const held = new Set(input.heldBlocCodes);
  const blocCodes = input.referentialBlocCodes.filter((code) => held.has(code));
  if (blocCodes.length === 0) return null;
  const kind = blocCodes.length === input.referentialBlocCodes.length ? "full" : "blocs";
  return { kind, blocCodes };
}

/**
 * The prefix of a certification's numbers when none is set: the initials of its code's words, without the "CQP"
 * marker every code shares ("CQP-COMMERCIAL-SEDENTAIRE-ALIM" → "CSA"); digits are kept whole ("CQP-AUTRE-2" → "A2").
 */
export function derivedCertificatePrefix(certificationCode: string): string {
  const words = certificationCode
    .toUpperCase()
    .normalize("NFD")
    .replace(/[^A-Z0-9]+/g, "-")
    .split("-")
    .filter((w) => w.length > 0);
  const meaningful = words.length > 1 && words[0] === "CQP" ? words.slice(1) : words;
  const prefix = meaningful.map((w) => (/^[0-9]+$/.test(w) ? w : w[0])).join("");
  return (prefix.length >= 2 ? prefix : `${prefix}CQ`).slice(0, 10);
}

export const SEQUENCE_DIGITS = 6;

/** "CSA-2026-000042". */
export function certificateNumber(prefix: string, year: number, sequence: number): string {
  return `${prefix}-${year}-${String(sequence).padStart(SEQUENCE_DIGITS, "0")}`;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 18 characters of 5 bits: 90 bits of randomness, above the 80 the issue asks for. */
export const VERIFICATION_CODE_LENGTH = 18;
/** Bytes of randomness needed for one code (90 bits → 12 bytes, the surplus dropped). */
export const VERIFICATION_CODE_BYTES = 12;

/** A verification code from CSPRNG bytes (at least VERIFICATION_CODE_BYTES), canonical: no separators. */
export function verificationCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length < VERIFICATION_CODE_BYTES) throw new Error("Not enough random bytes for a verification code");
  let bits = 0n;
  for (const byte of bytes.subarray(0, VERIFICATION_CODE_BYTES)) bits = (bits << 8n) | BigInt(byte);
  let code = "";
  for (let i = 0; i < VERIFICATION_CODE_LENGTH; i++) {
    code = CROCKFORD[Number(bits & 31n)] + code;
    bits >>= 5n;
  }
  return code;
}

/** As printed and typed: groups of 4, "7KQ2-M9XD-4TPA-R3WB-HC". */
export function groupVerificationCode(code: string): string {
  return code.match(/.{1,4}/g)?.join("-") ?? code;
}

/**
 * A code as someone typed, pasted or scanned it, in canonical form, or null when it cannot be one: case, spaces and
 * dashes ignored, the letters Crockford reads as digits (I and L as 1, O as 0) mapped. Runs in the same time for
 * any input of a given length: no early exit on the first bad character.
 */
export function normaliseVerificationCode(input: string): string | null {
  const cleaned = input
    .slice(0, 200)
    .toUpperCase()
    .replace(/[\s\-_.]/g, "")
    .replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  let valid = cleaned.length === VERIFICATION_CODE_LENGTH;
  for (const char of cleaned) valid = CROCKFORD.includes(char) && valid;
  return valid ? cleaned : null;
}

/** The storage key of a certificate's document: deterministic, so that a retry after a crash overwrites, never adds. */
export function certificateDocumentKey(certificateId: string, edition: number): string {
  return `certificates/${certificateId.toLowerCase()}/edition-${edition}.pdf`;
}

export const MIN_REASON_LENGTH = 10;

/** A revocation or duplicate reason: required, at least 10 characters once trimmed. */
export function checkReason(
  reason: string | undefined | null,
): { ok: true; reason: string } | { ok: false; message: string } {
  const trimmed = (reason ?? "").trim();
  if (trimmed.length === 0) return { ok: false, message: "Indiquez le motif." };
  if (trimmed.length < MIN_REASON_LENGTH)
    return { ok: false, message: `Le motif doit faire au moins ${MIN_REASON_LENGTH} caractères.` };
  if (trimmed.length > 1000) return { ok: false, message: "Le motif doit faire au plus 1 000 caractères." };
  return { ok: true, reason: trimmed };
}

/**
 * Letters that carry no separable accent, so Unicode decomposition leaves them whole, and how a keyboard without
 * them spells them (Łukasz is searched as "lukasz", Lœuvre as "loeuvre"). Lower case: applied after lower-casing.
 */
export const SEARCH_LETTER_SPELLINGS: ReadonlyArray<readonly [string, string]> = [
  ["ł", "l"],
  ["ø", "o"],
  ["đ", "d"],
  ["ħ", "h"],
  ["ı", "i"],
  ["œ", "oe"],
  ["æ", "ae"],
  ["ß", "ss"],
];
const LETTER_SPELLING = new Map(SEARCH_LETTER_SPELLINGS);
const LETTERS_TO_SPELL = new RegExp(`[${SEARCH_LETTER_SPELLINGS.map(([letter]) => letter).join("")}]`, "g");

/** A name or a search as the registry compares them: lower-cased, accents removed, spaces collapsed. */
export function searchableName(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(LETTERS_TO_SPELL, (letter) => LETTER_SPELLING.get(letter) ?? letter)
    .replace(/[’']/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

/** The registry's cursor: the last row's (issued_at, id), opaque to the page. */
export function encodeRegistryCursor(row: { issuedAt: Date | string; id: string }): string {
  return Buffer.from(`${new Date(row.issuedAt).toISOString()}|${row.id}`, "utf8").toString("base64url");
}

export function decodeRegistryCursor(cursor: string): { issuedAt: Date; id: string } | null {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/.exec(text);
  if (!match || Number.isNaN(Date.parse(match[1]!))) return null;
  return { issuedAt: new Date(match[1]!), id: match[2]! };
}
