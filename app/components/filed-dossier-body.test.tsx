// The body of a filed dossier is rendered once per version with renderToString and inlined into pages rendered by
// renderToPipeableStream (docs/decisions/035); the browser keeps that markup as it is (tests/e2e: no hydration error).
import { Writable } from "node:stream";
import type { ReactElement } from "react";
import { renderToPipeableStream, renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FiledDossierBody, type FiledDossierBodyView } from "./filed-dossier-body";
import { Prerendered, PrerenderedContext, type PrerenderedLookup } from "./prerendered";

const view: FiledDossierBodyView = {
  previousVersion: 1,
  changes: [
    { key: "C1.1", text: "Récit de C1.1 modifié : Contexte" },
    { key: "+devis.pdf", text: "Pièce ajoutée : devis.pdf" },
  ],
  coverage: [
    {
      code: "C1.1",
      narrativeLength: 1234,
      lengthLevel: "substantial",
      emptyParts: [],
      hasNarrative: true,
      evidenceCount: 2,
    },
    { code: "C1.2", narrativeLength: 0, lengthLevel: "empty", emptyParts: [], hasNarrative: false, evidenceCount: 0 },
  ],
  blocs: [
    {
      code: "B1",
      number: 1,
      title: "Développer l'activité <commerciale> & le reste",
      competencies: [
        {
          code: "C1.1",
          statement: "Exécuter la stratégie commerciale",
          modified: true,
          narrative: [
            { part: "context", text: "Au rayon fromagerie.", previousText: "" },
            { part: "actions", text: "" },
            { part: "results", text: "Des clients « satisfaits »." },
          ],
          pieces: [1, 2],
        },
        { code: "C1.2", statement: "Sourcer de nouveaux clients", modified: false, narrative: null, pieces: [] },
      ],
    },
  ],
  evidence: [
    {
      documentId: "00000000-0000-4000-8000-000000000001",
      originalName: "devis.pdf",
      size: "12,4 Ko",
      caption: "Un devis",
      competencies: "C1.1",
      sha256: "a".repeat(64),
    },
    {
      documentId: "00000000-0000-4000-8000-000000000002",
      originalName: "photo.png",
      size: "69 octets",
      caption: "",
      competencies: "C1.1, C1.2",
      sha256: "b".repeat(64),
    },
  ],
};

function streamed(element: ReactElement): Promise<string> {
  return new Promise((resolve, reject) => {
    let html = "";
    const sink = new Writable({
      write(chunk, _encoding, done) {
        html += chunk;
        done();
      },
      final(done) {
        resolve(html);
        done();
      },
    });
    const { pipe } = renderToPipeableStream(element, {
      onAllReady: () => pipe(sink),
      onShellError: reject,
      onError: () => {},
    });
  });
}

const page = (lookup: PrerenderedLookup | null, html: string | null) => (
  <PrerenderedContext.Provider value={lookup}>
    <main>
      <p>Dossier de validation — {"VAE-2026-0001"}</p>
      <Prerendered cacheKey="v1" html={html} className="filed-dossier" />
      <p>après</p>
    </main>
  </PrerenderedContext.Provider>
);

describe("<Prerendered> with the filed dossier's body", () => {
  const kept = renderToString(<FiledDossierBody view={view} />);

  it("inlines in a document the HTML its loader prepared, the component's own markup, escaped", async () => {
    const rendered = await streamed(page((key) => (key === "v1" ? kept : undefined), null));
    expect(rendered).toContain(`<div class="filed-dossier" data-prerendered="v1">${kept}</div>`);
    expect(rendered).toContain("&lt;commerciale&gt; &amp; le reste");
    expect(rendered).not.toContain("<commerciale>");
  });

  it("renders the HTML given as loader data (a client-side navigation)", async () => {
    expect(await streamed(page(null, kept))).toContain(`data-prerendered="v1">${kept}</div>`);
  });

  it("refuses, rather than show an empty dossier, a part no loader prepared", async () => {
    await expect(streamed(page(() => undefined, null))).rejects.toThrow(
      "The page part v1 was not prepared by the loader (prerenderedPart)",
    );
  });
});
