// A seeded pseudo-random generator for demo data: the same seed gives the same sequence on every machine and
// engine, so a demo database can be rebuilt row for row (docs/decisions/031). Not for anything secret.

export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Roughly normal (sum of uniforms): mean and standard deviation. */
  normal(mean: number, deviation: number): number;
  /** An independent generator derived from this seed and a label: one per candidacy, whatever the others draw. */
  fork(label: string | number): Random;
}

/** xmur3: spreads a string seed over 32-bit states. */
function hashSeed(text: string): () => number {
  let h = 1779033703 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
}

/** sfc32, a small fast generator with a 128-bit state. */
export function seededRandom(seed: string | number): Random {
  const label = String(seed);
  const spread = hashSeed(label);
  let a = spread();
  let b = spread();
  let c = spread();
  let d = spread();
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    normal: (mean, deviation) =>
      mean + deviation * (next() + next() + next() + next() + next() + next() - 3) * Math.SQRT2,
    fork: (sub) => seededRandom(`${label}/${sub}`),
  };
  return random;
}
