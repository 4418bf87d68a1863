// Accessibility checks for the browser tests: axe-core run in the page (its source read from node_modules, nothing
// downloaded), failing on any serious or critical violation with a list a person can act on; and the 375 px check
// (a phone held upright) that the page does not scroll sideways.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page, Response } from "playwright-core";

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

/** The narrow width every main page must fit without horizontal scroll. */
export const PHONE_VIEWPORT = { width: 375, height: 812 };

const FAILING_IMPACTS = new Set(["serious", "critical"]);

export interface AccessibilityOptions {
  /** A CSS selector limiting the check to part of the page (default: the whole document). */
  context?: string;
}

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: AxeNode[];
}

/**
 * Runs axe-core on the page as it is now and fails when any violation of impact "serious" or "critical" exists.
 * The source is evaluated through the DevTools protocol rather than added as a <script> tag: the portal's
 * Content-Security-Policy only runs scripts carrying the response's nonce, and a tag added to <head> would be a node
 * React does not expect while it hydrates the document. In a context with JavaScript turned off, where axe-core's
 * timers would never fire, it checks a copy of the page's DOM (scripts left out) in a context with JavaScript on.
 */
export async function expectAccessible(page: Page, options: AccessibilityOptions = {}): Promise<void> {
  const violations = (await scriptsRun(page)) ? await runAxe(page, options) : await runAxeOnCopy(page, options);
  const failing = violations.filter((v) => FAILING_IMPACTS.has(v.impact ?? ""));
  if (failing.length > 0) throw new Error(describeViolations(page.url(), failing));
}

/** Whether the page runs scripts: a fragment parsed with scripting off gives <noscript> element children. */
function scriptsRun(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const probe = document.createElement("div");
    probe.innerHTML = "<noscript><i></i></noscript>";
    return probe.firstElementChild?.childElementCount === 0;
  });
}

async function runAxe(page: Page, options: AccessibilityOptions): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === "object");
  if (!loaded) {
    axeSource ??= readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
    await page.evaluate(axeSource);
  }
  return page.evaluate(async (context) => {
    const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<{ violations: unknown[] }> } }).axe;
    // Frames are not the portal's pages (a stored e-mail in a sandbox): axe would wait for an answer from each.
    const results = await axe.run(context ?? document, { resultTypes: ["violations"], iframes: false });
    return results.violations as AxeViolation[];
  }, options.context ?? null);
}

async function runAxeOnCopy(page: Page, options: AccessibilityOptions): Promise<AxeViolation[]> {
  const browser = page.context().browser();
  if (!browser) throw new Error("expectAccessible: the page's browser is not known, cannot copy the page.");
  const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "");
  const url = page.url();
  const copy = await browser.newContext({ viewport: page.viewportSize(), locale: "fr-FR" });
  try {
    const copyPage = await copy.newPage();
    // The same address answers with the copied DOM; the stylesheets and images come from the portal as before.
    await copyPage.route(url, (route) => route.fulfill({ status: 200, contentType: "text/html", body: html }));
    await copyPage.goto(url);
    return await runAxe(copyPage, options);
  } finally {
    await copy.close();
  }
}

function describeViolations(url: string, violations: AxeViolation[]): string {
  const lines = [`${violations.length} serious or critical accessibility violation(s) on ${url}:`];
  for (const violation of violations) {
    lines.push(`- ${violation.id} (${violation.impact}): ${violation.help}`);
    for (const node of violation.nodes.slice(0, 5)) {
      lines.push(`    at ${node.target.map(String).join(" ")}  ${node.html.slice(0, 160)}`);
      if (node.failureSummary) lines.push(`      ${node.failureSummary.replace(/\n\s*/g, " ").slice(0, 300)}`);
    }
    if (violation.nodes.length > 5) lines.push(`    … and ${violation.nodes.length - 5} more`);
  }
  return lines.join("\n");
}

/** Goes to the URL and checks the page it lands on with axe-core; returns the navigation's response. */
export async function visit(page: Page, url: string, options: AccessibilityOptions = {}): Promise<Response | null> {
  const response = await page.goto(url);
  await expectAccessible(page, options);
  return response;
}

/**
 * Fails when the page is wider than the window: `document.documentElement.scrollWidth <= window.innerWidth`. The
 * message names the elements that stick out (outside any scroll container of their own), widest first.
 */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => {
    const { scrollWidth } = document.documentElement;
    const width = window.innerWidth;
    if (scrollWidth <= width) return null;
    const scrolls = (element: Element) => {
      const style = getComputedStyle(element);
      return style.overflowX === "auto" || style.overflowX === "scroll" || style.overflowX === "hidden";
    };
    const culprits: { selector: string; right: number }[] = [];
    for (const element of Array.from(document.body.querySelectorAll("*"))) {
      const right = Math.ceil(element.getBoundingClientRect().right + window.scrollX);
      if (right <= width) continue;
      // Only the outermost element sticking out, and nothing inside a container that scrolls on its own. An
      // absolutely positioned element escapes every ancestor up to its containing block (the first positioned one).
      let parent = element.parentElement;
      let contained = false;
      let escaping = getComputedStyle(element).position === "absolute";
      while (parent && parent !== document.body) {
        if (escaping) {
          escaping = getComputedStyle(parent).position === "static";
          if (escaping) {
            parent = parent.parentElement;
            continue;
          }
        }
        if (scrolls(parent) || Math.ceil(parent.getBoundingClientRect().right + window.scrollX) > width) {
          contained = true;
          break;
        }
        parent = parent.parentElement;
      }
      if (contained) continue;
      const classes = Array.from(element.classList)
        .map((c) => `.${c}`)
        .join("");
      const text = (element.textContent ?? "").trim().slice(0, 40);
      culprits.push({ selector: `${element.tagName.toLowerCase()}${classes} "${text}"`, right });
    }
    culprits.sort((a, b) => b.right - a.right);
    return { scrollWidth, width, culprits: culprits.slice(0, 8) };
  });
  if (overflow) {
    throw new Error(
      [
        `${page.url()} scrolls sideways at ${overflow.width} px: the page is ${overflow.scrollWidth} px wide.`,
        ...overflow.culprits.map((c) => `- ${c.selector} reaches ${c.right} px`),
      ].join("\n"),
    );
  }
}

/**
 * Checks the page as it is now on a 375 px wide screen: no horizontal scroll, and axe-clean at that width. The
 * viewport is put back as it was afterwards.
 */
export async function expectUsableOnPhone(page: Page, options: AccessibilityOptions = {}): Promise<void> {
  const previous = page.viewportSize();
  await page.setViewportSize(PHONE_VIEWPORT);
  try {
    await expectNoHorizontalScroll(page);
    await expectAccessible(page, options);
  } finally {
    if (previous) await page.setViewportSize(previous);
  }
}
