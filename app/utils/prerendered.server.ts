// Server-rendered HTML of immutable page parts, rendered once and then reused (docs/decisions/035): the body of a
// filed dossier version never changes, and rendering its hundred evidence rows was most of the page's cost. The
// HTML is produced here, outside any page's render, by the component that would otherwise render it, and reaches
// the page through <Prerendered> (app/components/prerendered.tsx):
//   - in a document, entry.server.tsx inlines it from this request's load context, and the loader data carries none
//     of it (the browser hydrates the part from the markup it received: the part has no behaviour of its own);
//   - in loader data fetched by the browser (a client-side navigation, `?_data=`), the HTML itself is the data.
import type { AppLoadContext } from "@remix-run/node";
import type { ReactElement } from "react";
import { renderToString } from "react-dom/server";
import type { PrerenderedLookup } from "~/components/prerendered";
import { BoundedCache } from "./bounded-cache";

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Whether Remix's browser code asked for loader data (`?_data=`) rather than for a document. */
    dataRequest?: boolean;
  }
}

/**
 * At most 4 million characters of HTML (a 100-file dossier is about 90 000): the last forty-odd heavy dossiers
 * read stay rendered, a few megabytes whatever the number of dossiers.
 */
const MAX_CHARACTERS = 4_000_000;
const fragments = new BoundedCache<string, string>(MAX_CHARACTERS, (html) => html.length);

// Only the built portal keeps fragments: under `npm run dev` a component edited while the server runs would
// otherwise keep serving its former HTML.
const enabled = process.env.NODE_ENV === "production";

/** The parts a document request's loaders prepared, for entry.server.tsx to inline: one map per load context. */
const inlinedByRequest = new WeakMap<AppLoadContext, Map<string, string>>();

/** The HTML of `render()` under `key`, rendered unless kept. The key must identify everything the part shows. */
export function renderedOnce(key: string, render: () => ReactElement): string {
  let html = enabled ? fragments.get(key) : undefined;
  if (html === undefined) {
    html = renderToString(render());
    if (enabled) fragments.set(key, html);
  }
  return html;
}

/**
 * For a loader: the HTML of the part under `key` when the browser fetches loader data, null for a document (the
 * document inlines it, once). The key names what the part shows, never who reads it: who may read is decided
 * before this is called.
 */
export function prerenderedPart(context: AppLoadContext, key: string, render: () => ReactElement): string | null {
  const html = renderedOnce(key, render);
  if (context.dataRequest) return html;
  let parts = inlinedByRequest.get(context);
  if (!parts) {
    parts = new Map();
    inlinedByRequest.set(context, parts);
  }
  parts.set(key, html);
  return null;
}

/** The parts this document's loaders prepared (entry.server.tsx). */
export function inlinedParts(context: AppLoadContext): PrerenderedLookup {
  const parts = inlinedByRequest.get(context);
  return (key) => parts?.get(key);
}
