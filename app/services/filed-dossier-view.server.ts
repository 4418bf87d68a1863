// The view of a filed dossier version's body (<FiledDossierBody>): its texts made ready to show (sizes, lists, the
// changes since the previous version). A filed version never changes (docs/decisions/035), so the body is rendered
// from this view once per version and its HTML kept (app/utils/prerendered.server.ts); the view itself is not kept.
// Who reads it and whether they may is decided per request, before this is called (readFiledDossier).
import type { FiledDossierBodyView } from "~/components/filed-dossier-body";
import { formatFileSize } from "~/utils/format";
import { NARRATIVE_PARTS, NARRATIVE_PART_LABELS } from "../../workflows/dossier-coverage";
import type { DossierChanges } from "../../workflows/dossier-compare";
import type { DossierScope, VersionContent } from "./dossiers.server";

export interface FiledVersion {
  scope: DossierScope;
  content: VersionContent;
  previous: VersionContent | null;
  changes: DossierChanges | null;
}

/**
 * What the body shows depends on the version, the one it is compared with and the blocs in scope: their identities
 * make the key (a version's id is never reused, and its rows never change once filed).
 */
export function filedVersionKey({ scope, content, previous }: FiledVersion): string {
  const blocs = scope.blocs.map((b) => b.code).join(",");
  return `filed-dossier:${content.version.id}:${previous?.version.id ?? "first"}:${scope.referentialVersion}:${blocs}`;
}

export function filedDossierBodyView({ scope, content, previous, changes }: FiledVersion): FiledDossierBodyView {
  const numberOf = new Map(content.evidence.map((e, i) => [e.documentId, i + 1]));
  const piecesOf = new Map<string, number[]>();
  for (const e of content.evidence) {
    for (const code of e.competencyCodes) {
      const list = piecesOf.get(code) ?? [];
      list.push(numberOf.get(e.documentId)!);
      piecesOf.set(code, list);
    }
  }
  return {
    previousVersion: previous ? previous.version.version : null,
    changes: changes
      ? changes.unchanged
        ? []
        : [
            ...[...changes.narratives].map(([code, parts]) => ({
              key: code,
              text: `Récit de ${code} modifié : ${parts.map((p) => NARRATIVE_PART_LABELS[p]).join(", ")}`,
            })),
            ...changes.added.map((e) => ({ key: `+${e.originalName}`, text: `Pièce ajoutée : ${e.originalName}` })),
            ...changes.removed.map((e) => ({ key: `-${e.originalName}`, text: `Pièce retirée : ${e.originalName}` })),
            ...changes.changed.map((c) => ({
              key: `~${c.after.originalName}`,
              text: `Légende ou compétences modifiées : ${c.after.originalName}`,
            })),
          ]
      : null,
    coverage: content.coverage.competencies.map((row) => ({
      code: row.code,
      narrativeLength: row.narrativeLength,
      lengthLevel: row.lengthLevel,
      emptyParts: row.emptyParts,
      hasNarrative: row.hasNarrative,
      evidenceCount: row.evidenceCount,
    })),
    blocs: scope.blocs.map((bloc) => ({
      code: bloc.code,
      number: bloc.number,
      title: bloc.title,
      competencies: bloc.competencies.map((competency) => {
        const narrative = content.narratives.get(competency.code);
        const changedParts = changes?.narratives.get(competency.code) ?? [];
        return {
          code: competency.code,
          statement: competency.statement,
          modified: changes?.competencies.has(competency.code) ?? false,
          narrative: narrative
            ? NARRATIVE_PARTS.map((part) =>
                changedParts.includes(part) && previous
                  ? {
                      part,
                      text: narrative[part],
                      previousText: previous.narratives.get(competency.code)?.[part] ?? "",
                    }
                  : { part, text: narrative[part] },
              )
            : null,
          pieces: piecesOf.get(competency.code) ?? [],
        };
      }),
    })),
    evidence: content.evidence.map((e) => ({
      documentId: e.documentId,
      originalName: e.originalName,
      size: formatFileSize(e.byteSize),
      caption: e.caption,
      competencies: e.competencyCodes.join(", "),
      sha256: e.sha256,
    })),
  };
}
