// Pure pieces of `npm run bench:pages` (scripts/bench-pages.ts), tested on their own
// (tests/integration/bench-pages-pieces.test.ts).

/**
 * The href of the first anchor whose text is "Page suivante" or that is marked rel="next", as server-rendered
 * HTML has it (attributes in any order, `&amp;` in the query string); null on the last page. Following the link
 * keeps the benchmark independent of the queue's cursor format.
 */
export function nextLink(html: string): string | null {
  for (const match of html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/g)) {
    const attributes = match[1]!;
    const text = match[2]!.replace(/<[^>]+>/g, "").trim();
    if (!/Page suivante/i.test(text) && !/\brel="next"/.test(attributes)) continue;
    const href = /\bhref="([^"]+)"/.exec(attributes)?.[1];
    if (href) return href.replace(/&amp;/g, "&");
  }
  return null;
}

/** The nearest-rank percentile of sorted values (NaN when there are none). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/**
 * The Node options `npm start` gives the portal, from package.json's start script (`… node <options> --import tsx
 * server/index.ts`): the benchmark starts the portal with exactly these, so that it measures what operators run
 * (docs/decisions/035: `--optimize-for-size`).
 */
export function startNodeOptions(startScript: string): string[] {
  const match = /\bnode((?:\s+--[\w-]+(?:=\S+)?)*?)\s+--import[= ]tsx\s+server\/index\.ts\b/.exec(startScript);
  if (!match) throw new Error(`package.json's start script does not start server/index.ts: ${startScript}`);
  return match[1]!.split(/\s+/).filter(Boolean);
}
