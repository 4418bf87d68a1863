import { describe, expect, it } from "vitest";
import { COVERAGE, pairScores, planCandidacy } from "./plan";
import { seededRandom } from "./random";

const CODES = ["C1.1", "C1.2", "C1.3", "C2.1", "C2.2", "C3.1"];

describe("the seeded generator", () => {
  it("gives the same sequence for the same seed, another for another seed", () => {
    const draw = (seed: string) => Array.from({ length: 5 }, seededRandom(seed).next);
    expect(draw("7")).toEqual(draw("7"));
    expect(draw("7")).not.toEqual(draw("8"));
  });

  it("forks independent generators: one candidacy's draws do not move another's", () => {
    const root = seededRandom("s");
    const first = root.fork("candidacy/1").next();
    root.next();
    root.fork("candidacy/2").next();
    expect(root.fork("candidacy/1").next()).toBe(first);
  });

  it("stays within its bounds", () => {
    const random = seededRandom("bounds");
    for (let i = 0; i < 2000; i++) {
      const n = random.next();
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(1);
      const k = random.int(3, 5);
      expect([3, 4, 5]).toContain(k);
    }
  });
});

describe("the plan of a candidacy", () => {
  it("gives the first candidacies one state each, and the realistic mix after them", () => {
    const plans = Array.from({ length: 4000 }, (_, i) => planCandidacy(seededRandom("mix").fork(i), i));
    for (const [i, coverage] of COVERAGE.entries()) {
      expect(plans[i]!.fate).toBe(coverage.fate);
      expect(plans[i]!.stopAt).toBe(coverage.stopAt);
    }
    const rest = plans.slice(COVERAGE.length);
    const share = (fate: string) => rest.filter((p) => p.fate === fate).length / rest.length;
    expect(share("completed")).toBeGreaterThan(0.75);
    expect(share("completed")).toBeLessThan(0.85);
    expect(share("inadmissible")).toBeGreaterThan(0.05);
    expect(share("lapsed")).toBeGreaterThan(0.015);
    expect(rest.every((p) => p.stopAt === null)).toBe(true);
    // Silence and an incomplete round never come together: silence counts from the complete request.
    expect(rest.some((p) => p.silence && p.incomplete)).toBe(false);
    expect(rest.filter((p) => p.fate === "lapsed").every((p) => p.validityMonths !== null)).toBe(true);
  });

  it("makes evaluators differ beyond the 15-point tolerance exactly on the disputed competencies", () => {
    const plan = { ...planCandidacy(seededRandom("d"), 100), level: 75, disputedCount: 2 };
    const { a, b } = pairScores(plan, seededRandom("scores"), CODES);
    const gaps = CODES.map((code) => Math.abs(Number(a[code]) - Number(b[code])));
    expect(gaps.filter((gap) => gap > 15)).toHaveLength(2);
    for (const score of [...Object.values(a), ...Object.values(b)]) {
      expect(score).toMatch(/^\d{1,3}\.\d$/);
      expect(Number(score)).toBeLessThanOrEqual(100);
    }
  });
});
