// The public shape of a certificate template: the issuing code hands a template this data and stores the bytes it
// returns. Wording and layout live in the template modules; numbering, codes and dates come from the issuer.

export interface CertificateCompetencyLine {
  code: string;
  title: string;
}

export interface CertificateBlocLine {
  code: string;
  title: string;
  /** ISO date or instant the bloc was acquired (this decision or an earlier candidacy). */
  acquiredAt: string;
  competencies: CertificateCompetencyLine[];
}

export interface CertificateDocumentData {
  /** e.g. "CSSA-2026-000042" (prefix per certification, year, gapless sequence). */
  number: string;
  /** As printed, e.g. "7KQ2-M9XD-4TPA-R3WB-HC" (the issuer generates it). */
  verificationCode: string;
  /** `${publicUrl}/verifier/${code}`: printed in full and encoded in the QR code. */
  verificationUrl: string;
  /** ISO instant of the (original) issue. */
  issuedAt: string;
  /** Place of issue, e.g. "Paris". */
  issuedIn: string;
  certifier: { name: string; signatoryName?: string | null; signatoryTitle?: string | null };
  certification: { code: string; title: string };
  /** birthDate is YYYY-MM-DD, printed only when present. */
  holder: { fullName: string; birthDate?: string | null };
  blocsHeld: CertificateBlocLine[];
  /** Printed by the attestation only: the blocs still to validate and their competencies. */
  blocsMissing: { code: string; title: string; competencies: CertificateCompetencyLine[] }[];
  /** A reissue (lost document) prints "DUPLICATA" with its edition and date. */
  duplicate?: { edition: number; reissuedAt: string } | null;
}

export type CertificateKind = "full" | "blocs";

export interface CertificateTemplate {
  id: string;
  version: number;
  kind: CertificateKind;
  /** French title printed and shown to people, e.g. "Certificat de Qualification Professionnelle". */
  label: string;
  /** The same data gives byte-identical output, so a retried issue stores the very same document. */
  render(data: CertificateDocumentData): Promise<Uint8Array>;
}
