// The browser tests' accessibility checks themselves (tests/e2e/support/axe.ts) catch what they are meant to: a page
// with serious axe violations or wider than a 375 px screen fails with a readable list, with JavaScript on or off.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, expectNoHorizontalScroll, expectUsableOnPhone } from "./support/axe";
import { launchBrowser } from "./support/portal";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const PAGE = "http://portail.test/page";
const page = async (javaScriptEnabled: boolean, body: string) => {
  const result = await (await browser.newContext({ javaScriptEnabled })).newPage();
  await result.route(PAGE, (route) =>
    route.fulfill({
      contentType: "text/html",
      body: `<!doctype html><html lang="fr"><head><title>Essai</title></head><body>${body}</body></html>`,
    }),
  );
  await result.goto(PAGE);
  return result;
};

const FAULTY = `<main><h1>Essai</h1>
  <button aria-label="Retirer piece.pdf">Retirer du dossier</button>
  <p style="color: #bbb; background: #fff">Texte pâle</p>
  <div style="width: 600px">Trop large</div>
  <section aria-label="Tableau" tabindex="0" style="overflow-x: auto"><table><tr><th>${"Colonne ".repeat(20)}</th>
    <th><span style="position: absolute">Action</span></th></tr></table></section></main>`;
const CLEAN = `<main><h1>Essai</h1>
  <button aria-label="Retirer du dossier : piece.pdf">Retirer du dossier</button>
  <section aria-label="Tableau large" tabindex="0" style="overflow-x: auto">
    <table><tr><th scope="col">${"Colonne ".repeat(20)}</th></tr></table></section></main>`;

describe("the accessibility checks of the browser tests", () => {
  for (const javaScriptEnabled of [true, false]) {
    describe(javaScriptEnabled ? "with JavaScript" : "without JavaScript", () => {
      it("fail on serious violations, naming the rule, its impact, the element and the help", async () => {
        const faulty = await page(javaScriptEnabled, FAULTY);
        const error = await expectAccessible(faulty).then(
          () => null,
          (e: Error) => e,
        );
        expect(error?.message).toMatch(/2 serious or critical accessibility violation\(s\) on http:\/\/portail\.test/);
        expect(error?.message).toContain("- color-contrast (serious): Elements must meet minimum color contrast");
        expect(error?.message).toContain(
          "- label-content-name-mismatch (serious): Elements must have their visible text as part of their accessible name",
        );
        expect(error?.message).toContain('at button  <button aria-label="Retirer piece.pdf">');
        await faulty.context().close();
      });

      it("fail on a page wider than 375 px, naming what sticks out, and pass a wide table in its own scroll region", async () => {
        const faulty = await page(javaScriptEnabled, FAULTY);
        await expect(expectUsableOnPhone(faulty)).rejects.toThrow(
          /scrolls sideways at 375 px: the page is \d+ px wide\.\n- div "Trop large" reaches \d+ px/,
        );
        // Absolutely positioned text escapes a scroll region that is not positioned itself.
        await expect(expectUsableOnPhone(faulty)).rejects.toThrow(/- span "Action" reaches \d+ px/);
        // The viewport is put back afterwards.
        expect(faulty.viewportSize()?.width).toBe(1280);
        await expectNoHorizontalScroll(faulty);

        const clean = await page(javaScriptEnabled, CLEAN);
        await expectUsableOnPhone(clean);
        await clean.context().close();
        await faulty.context().close();
      });
    });
  }
});
