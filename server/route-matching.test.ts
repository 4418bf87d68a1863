// The portal's server matches every request with @remix-run/router's CommonJS build, patched to keep each routes
// array's ranked branches and each compiled path (patches/, docs/decisions/036). These tests load that build as the
// server does and check that the caches change no answer, including after routes are added in place.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const routerModulePath = require.resolve("@remix-run/router");
const router = require("@remix-run/router") as typeof import("@remix-run/router");

type Route = import("@remix-run/router").AgnosticRouteObject;

const ids = (matches: ReturnType<typeof router.matchRoutes>) => matches?.map((m) => m.route.id) ?? null;

function portalLikeRoutes(): Route[] {
  return [
    {
      id: "root",
      path: "",
      children: [
        { id: "home", index: true },
        { id: "dossier", path: "dossiers/:candidacyId" },
        { id: "dossier-version", path: "dossiers/:candidacyId/versions/:version" },
        { id: "new-dossier", path: "dossiers/nouveau" },
        { id: "optional", path: "certificats/:certificateId?" },
        { id: "case", path: "Exact", caseSensitive: true },
        { id: "splat", path: "fichiers/*" },
      ],
    },
  ];
}

describe("route matching with the patched router", () => {
  it("is the patched build that the server loads", () => {
    expect(routerModulePath).toMatch(/router\.cjs\.js$/);
    expect(readFileSync(routerModulePath, "utf8")).toContain("vae-portal patch (docs/decisions/036)");
  });

  it("gives the same matches on every call, with parameters, rankings, optional segments and splats", () => {
    const routes = portalLikeRoutes();
    for (let round = 0; round < 3; round++) {
      expect(ids(router.matchRoutes(routes, "/"))).toEqual(["root", "home"]);
      expect(ids(router.matchRoutes(routes, "/dossiers/nouveau"))).toEqual(["root", "new-dossier"]);
      const dossier = router.matchRoutes(routes, `/dossiers/c-${round}`);
      expect(ids(dossier)).toEqual(["root", "dossier"]);
      expect(dossier?.[1]?.params).toEqual({ candidacyId: `c-${round}` });
      expect(router.matchRoutes(routes, "/dossiers/a/versions/3")?.[1]?.params).toEqual({
        candidacyId: "a",
        version: "3",
      });
      expect(ids(router.matchRoutes(routes, "/certificats"))).toEqual(["root", "optional"]);
      expect(router.matchRoutes(routes, "/certificats/x")?.[1]?.params).toEqual({ certificateId: "x" });
      expect(router.matchRoutes(routes, "/fichiers/a/b")?.[1]?.params).toEqual({ "*": "a/b" });
      expect(ids(router.matchRoutes(routes, "/Exact"))).toEqual(["root", "case"]);
      expect(router.matchRoutes(routes, "/exact")).toBeNull();
      expect(router.matchRoutes(routes, "/inconnu")).toBeNull();
    }
  });

  it("keeps the case sensitivity and the end of each pattern apart in the compiled paths", () => {
    expect(router.matchPath({ path: "/Exact", caseSensitive: true }, "/exact")).toBeNull();
    expect(router.matchPath({ path: "/Exact", caseSensitive: false }, "/exact")).not.toBeNull();
    expect(router.matchPath({ path: "/Exact", caseSensitive: true }, "/exact")).toBeNull();
    expect(router.matchPath({ path: "/a", end: false }, "/a/b")?.pathnameBase).toBe("/a");
    expect(router.matchPath({ path: "/a", end: true }, "/a/b")).toBeNull();
    expect(router.matchPath({ path: "/a", end: false }, "/a/b")).not.toBeNull();
  });

  it("sees routes that another array with the same paths does not have", () => {
    const first = portalLikeRoutes();
    const second = portalLikeRoutes();
    second[0]!.children!.push({ id: "extra", path: "extra" });
    expect(router.matchRoutes(first, "/extra")).toBeNull();
    expect(ids(router.matchRoutes(second, "/extra"))).toEqual(["root", "extra"]);
    expect(router.matchRoutes(first, "/extra")).toBeNull();
  });

  it("sees routes added by patchRoutes after the routes were matched", () => {
    const instance = router.createRouter({
      routes: portalLikeRoutes(),
      history: router.createMemoryHistory({ initialEntries: ["/"] }),
    });
    expect(router.matchRoutes(instance.routes, "/tardif")).toBeNull();
    instance.patchRoutes("root", [{ id: "late", path: "tardif" }]);
    expect(ids(router.matchRoutes(instance.routes, "/tardif"))).toEqual(["root", "late"]);
    instance.patchRoutes(null, [{ id: "top", path: "/tout-en-haut" }]);
    expect(ids(router.matchRoutes(instance.routes, "/tout-en-haut"))).toEqual(["top"]);
    instance.dispose();
  });

  it("sees routes discovered during a navigation, added in place to the array it has just matched", async () => {
    const instance = router
      .createRouter({
        routes: portalLikeRoutes(),
        history: router.createMemoryHistory({ initialEntries: ["/"] }),
        patchRoutesOnNavigation: ({ path, patch }) => {
          if (path === "/tardif") patch("root", [{ id: "late", path: "tardif" }]);
        },
      })
      .initialize();
    await instance.navigate("/tardif");
    expect(instance.state.matches.map((m) => m.route.id)).toEqual(["root", "late"]);
    expect(instance.state.errors).toBeNull();
    instance.dispose();
  });
});
