// A wide table's own horizontal scroll: on a narrow screen (375 px) the table scrolls inside this region instead of
// the whole page scrolling sideways. The region (a named <section>, i.e. role "region") is focusable so that a
// keyboard user can scroll it, and named so that a screen reader announces what it holds
// (axe: scrollable-region-focusable). Plain `<div className="table-scroll">` gets the same scrolling from the CSS.
import type { ReactNode } from "react";

export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable from the keyboard.
    <section className="table-scroll" aria-label={label} tabIndex={0}>
      {children}
    </section>
  );
}
