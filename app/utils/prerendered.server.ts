// Server-rendered HTML of immutable page parts, rendered once and then reused (docs/decisions/035): the body of a
// filed dossier version never changes, and rendering its hundred evidence rows was most of the page's cost. The
// HTML is produced here, outside any page's render, by the same component the browser hydrates with the loader's
// data; <Prerendered> (app/components/prerendered.tsx) inlines it when the document is rendered.
import type { ReactElement } from "react";
import { renderToString } from "react-dom/server";
import { BoundedCache } from "./bounded-cache";

/**
 * At most 4 million characters of HTML (a 100-file dossier is about 90 000): the last forty-odd heavy dossiers
 * read stay rendered, a few megabytes whatever the number of dossiers.
 */
const MAX_CHARACTERS = 4_000_000;
const fragments = new BoundedCache<string, string>(MAX_CHARACTERS, (html) => html.length);

// Only the built portal keeps fragments: under `npm run dev` a component edited while the server runs would
// otherwise keep serving its former HTML.
const enabled = process.env.NODE_ENV === "production";

/**
 * Renders `render()` to HTML under `key` unless it is already kept. The key must identify everything the element
 * shows (for a dossier: the version's id and what it is compared with), never who is reading.
 */
export function prerender(key: string, render: () => ReactElement): void {
  if (!enabled || fragments.get(key) !== undefined) return;
  fragments.set(key, renderToString(render()));
}

/** The kept HTML under `key`, if any (it may have been evicted since the loader ran: then the page renders it). */
export function prerenderedHtml(key: string): string | undefined {
  return enabled ? fragments.get(key) : undefined;
}
