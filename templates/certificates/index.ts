// The certificate templates the issuer can render, one per kind. Adding a template is a new module beside these and
// one line in CERTIFICATE_TEMPLATES; the issuing code only calls renderCertificatePdf or certificateTemplateFor.
import { blocAttestation } from "./bloc-attestation";
import { cqpCertificate } from "./cqp-certificate";
import type { CertificateDocumentData, CertificateKind, CertificateTemplate } from "./types";

export type * from "./types";

export const CERTIFICATE_TEMPLATES: Readonly<Record<CertificateKind, CertificateTemplate>> = {
  full: cqpCertificate,
  blocs: blocAttestation,
};

export function certificateTemplateFor(kind: CertificateKind): CertificateTemplate {
  const template = CERTIFICATE_TEMPLATES[kind];
  if (!template) throw new Error(`No certificate template for kind ${String(kind)}`);
  return template;
}

/** The document's PDF bytes; the same kind and data always give the same bytes. */
export function renderCertificatePdf(kind: CertificateKind, data: CertificateDocumentData): Promise<Uint8Array> {
  return certificateTemplateFor(kind).render(data);
}
