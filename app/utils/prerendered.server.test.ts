// A page part rendered once (docs/decisions/035): a document inlines it from its own request's context and its
// loader data carries none of it; loader data fetched by the browser carries the HTML.
import type { AppLoadContext } from "@remix-run/node";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { inlinedParts, prerenderedPart, renderedOnce } from "./prerendered.server";

const part = (text: string) => () => createElement("p", null, text);
const context = (dataRequest: boolean): AppLoadContext => ({ clientIp: "127.0.0.1", dataRequest });

describe("prerenderedPart", () => {
  it("keeps a document's part in that request's context, and gives the loader data nothing", () => {
    const document = context(false);
    const other = context(false);
    expect(prerenderedPart(document, "k1", part("<dossier> & pièces"))).toBeNull();
    expect(inlinedParts(document)("k1")).toBe("<p>&lt;dossier&gt; &amp; pièces</p>");
    expect(inlinedParts(document)("k2")).toBeUndefined();
    expect(inlinedParts(other)("k1")).toBeUndefined();
  });

  it("gives the HTML itself as the data of a client-side navigation, keeping nothing for a document", () => {
    const data = context(true);
    expect(prerenderedPart(data, "k1", part("texte"))).toBe("<p>texte</p>");
    expect(inlinedParts(data)("k1")).toBeUndefined();
  });

  it("renders again outside production, where a component may change while the server runs", () => {
    expect(renderedOnce("k3", part("avant"))).toBe("<p>avant</p>");
    expect(renderedOnce("k3", part("après"))).toBe("<p>après</p>");
  });
});
