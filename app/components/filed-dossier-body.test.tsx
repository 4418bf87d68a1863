// The body of a filed dossier is rendered once per version with renderToString and inlined into pages rendered by
// renderToPipeableStream (docs/decisions/035): the browser hydrates that markup with the component itself, so the
// page must be byte for byte what the streaming renderer makes of the component, React's text separators included.
import { Writable } from "node:stream";
import type { ReactElement } from "react";
import { renderToPipeableStream, renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { FiledDossierBody, type FiledDossierBodyView } from "./filed-dossier-body";
import { Prerendered, PrerenderedContext } from "./prerendered";

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
    const { pipe } = renderToPipeableStream(element, { onAllReady: () => pipe(sink), onShellError: reject });
  });
}

const page = (lookup: ((key: string) => string | undefined) | null) => (
  <PrerenderedContext.Provider value={lookup}>
    <main>
      <p>Dossier de validation — {"VAE-2026-0001"}</p>
      <Prerendered cacheKey="v1" className="filed-dossier">
        <FiledDossierBody view={view} />
      </Prerendered>
      <p>après</p>
    </main>
  </PrerenderedContext.Provider>
);

describe("<Prerendered> with the filed dossier's body", () => {
  it("inlines HTML identical to what the streaming renderer makes of the component", async () => {
    const kept = renderToString(<FiledDossierBody view={view} />);
    const rendered = await streamed(page(null));
    const inlined = await streamed(page((key) => (key === "v1" ? kept : undefined)));
    expect(inlined).toBe(rendered);
    expect(rendered).toContain("Pièce <!-- -->2");
    expect(rendered).toContain("&lt;commerciale&gt; &amp; le reste");
  });

  it("renders the children when nothing is kept under the key", async () => {
    const missing = await streamed(page(() => undefined));
    expect(missing).toBe(await streamed(page(null)));
    expect(missing).toContain("Index des pièces");
  });
});
