// A page part whose HTML the server rendered once (app/utils/prerendered.server.ts, docs/decisions/035). The loader
// gives the HTML when the browser fetched loader data, and null in a document: the server then inlines its own copy
// (entry.server.tsx's provider), and the browser, hydrating, keeps the markup it received. Only for parts without
// behaviour of their own (links and <details> are fine): nothing inside is hydrated.
import { createContext, useContext, useState } from "react";

export type PrerenderedLookup = (key: string) => string | undefined;

export const PrerenderedContext = createContext<PrerenderedLookup | null>(null);

export function Prerendered({
  cacheKey,
  html,
  className,
}: {
  cacheKey: string;
  html: string | null;
  className?: string;
}) {
  const lookup = useContext(PrerenderedContext);
  // Read once per mounting: in the browser, the document's markup, before React owns the element.
  const [received] = useState(() => (html === null ? (lookup?.(cacheKey) ?? documentMarkup(cacheKey)) : null));
  return (
    <div
      className={className}
      data-prerendered={cacheKey}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: the server's own rendering of a component, escaped by React.
      dangerouslySetInnerHTML={{ __html: html ?? received ?? "" }}
    />
  );
}

function documentMarkup(key: string): string {
  if (typeof document === "undefined") {
    throw new Error(`The page part ${key} was not prepared by the loader (prerenderedPart)`);
  }
  for (const element of document.querySelectorAll("[data-prerendered]")) {
    if (element.getAttribute("data-prerendered") === key) return element.innerHTML;
  }
  throw new Error(`The page part ${key} is missing from the document`);
}
