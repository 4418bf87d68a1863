// The Attestation de blocs de compétences of a partial validation: the blocs held, each with its competencies and
// the date it was acquired, then the competencies still to be assessed to obtain the full CQP.
import { formatDate } from "../../app/utils/format";
import { CertificateLayout, STYLE } from "./layout";
import type { CertificateCompetencyLine, CertificateDocumentData, CertificateTemplate } from "./types";

const LABEL = "Attestation de blocs de compétences";

function competencyList(layout: CertificateLayout, competencies: CertificateCompetencyLine[]) {
  for (const competency of competencies) {
    layout.text(`${competency.code} — ${competency.title}`, STYLE.item, { indent: 24, after: 1 });
  }
}

async function render(data: CertificateDocumentData): Promise<Uint8Array> {
  const layout = await CertificateLayout.start(data, LABEL);
  layout.header();
  layout.holder("atteste");
  layout.text(
    "a validé, par la validation des acquis de l'expérience, les blocs de compétences suivants de ce Certificat de Qualification Professionnelle. Un bloc validé est acquis définitivement.",
    STYLE.body,
    { after: 10 },
  );
  layout.text("Blocs de compétences validés", STYLE.heading, { keep: 40, after: 4 });
  for (const bloc of data.blocsHeld) {
    layout.text(`${bloc.code} — ${bloc.title}`, STYLE.bodyBold, { indent: 12, keep: 28 });
    layout.text(`acquis le ${formatDate(bloc.acquiredAt)}`, STYLE.small, { indent: 12, after: 2 });
    competencyList(layout, bloc.competencies);
    layout.gap(6);
  }
  if (data.blocsMissing.length > 0) {
    layout.gap(4);
    layout.text("Compétences restant à évaluer pour obtenir le certificat", STYLE.heading, { keep: 40, after: 4 });
    for (const bloc of data.blocsMissing) {
      layout.text(`${bloc.code} — ${bloc.title}`, STYLE.bodyBold, { indent: 12, keep: 14, after: 2 });
      competencyList(layout, bloc.competencies);
      layout.gap(6);
    }
  }
  layout.signature();
  return layout.finish();
}

export const blocAttestation: CertificateTemplate = {
  id: "bloc-attestation",
  version: 1,
  kind: "blocs",
  label: LABEL,
  render,
};
