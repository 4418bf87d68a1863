// A page part whose HTML the server may have rendered once already (app/utils/prerendered.server.ts,
// docs/decisions/035). On the server, inside entry.server.tsx's provider, the kept HTML is inlined as is; otherwise,
// and always in the browser, the children render. The kept HTML comes from renderToString of the same children, so
// the browser hydrates the very markup it would have got: React's text separators included.
import { type ReactElement, createContext, useContext } from "react";

export type PrerenderedLookup = (key: string) => string | undefined;

export const PrerenderedContext = createContext<PrerenderedLookup | null>(null);

export function Prerendered({
  cacheKey,
  className,
  children,
}: {
  cacheKey: string;
  className?: string;
  children: ReactElement;
}) {
  const lookup = useContext(PrerenderedContext);
  const html = lookup?.(cacheKey);
  // biome-ignore lint/security/noDangerouslySetInnerHtml: the server's own rendering of these children, escaped by React.
  if (html !== undefined) return <div className={className} dangerouslySetInnerHTML={{ __html: html }} />;
  return <div className={className}>{children}</div>;
}
