// The Certificat de Qualification Professionnelle: issued when the holder holds every bloc of the CQP, whether
// awarded by this decision or acquired in an earlier candidacy (each bloc is listed with the date it was acquired).
import { formatDate } from "../../app/utils/format";
import { CertificateLayout, STYLE } from "./layout";
import type { CertificateDocumentData, CertificateTemplate } from "./types";

const LABEL = "Certificat de Qualification Professionnelle";

async function render(data: CertificateDocumentData): Promise<Uint8Array> {
  const layout = await CertificateLayout.start(data, LABEL);
  layout.header();
  layout.holder("certifie");
  layout.text(
    "a obtenu, par la validation des acquis de l'expérience, le Certificat de Qualification Professionnelle ci-dessus, dont chacun des blocs de compétences est validé :",
    STYLE.body,
    { after: 8 },
  );
  for (const bloc of data.blocsHeld) {
    layout.text(`${bloc.code} — ${bloc.title}`, STYLE.bodyBold, { indent: 12, keep: 14 });
    layout.text(`acquis le ${formatDate(bloc.acquiredAt)}`, STYLE.small, { indent: 12, after: 5 });
  }
  layout.signature();
  return layout.finish();
}

export const cqpCertificate: CertificateTemplate = {
  id: "cqp-certificate",
  version: 1,
  kind: "full",
  label: LABEL,
  render,
};
