import { describe, expect, it } from "vitest";
import { BoundedCache } from "./bounded-cache";

describe("BoundedCache", () => {
  it("evicts the least recently used entries beyond its weight", () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1);
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
  });

  it("weighs entries, replaces a key's value and refuses a value heavier than the whole cache", () => {
    const cache = new BoundedCache<string, string>(10, (s) => s.length);
    cache.set("a", "xxxx");
    cache.set("b", "yyyy");
    cache.set("a", "zz");
    expect(cache.weight).toBe(6);
    cache.set("c", "wwwwww");
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("zz");
    expect(cache.weight).toBe(8);
    cache.set("d", "x".repeat(11));
    expect(cache.get("d")).toBeUndefined();
    expect(cache.weight).toBe(8);
  });
});
