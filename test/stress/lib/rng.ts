/** Seeded randomness for the stress tests: every failure message carries the seed that reproduces it. */

/** mulberry32: a small, fast, seedable generator of floats in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi]. */
export function between(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

/** The seed for a test: $STRESS_SEED to replay a failure, else a fresh one. */
export function seedFor(name: string): number {
  const env = process.env.STRESS_SEED;
  const seed = env && /^\d+$/.test(env) ? Number(env) : Math.floor(Math.random() * 2 ** 31);
  process.stderr.write(`[stress] ${name}: seed ${seed} (replay with STRESS_SEED=${seed})\n`);
  return seed;
}

/** Shuffle in place (Fisher–Yates). */
export function shuffle<T>(r: () => number, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
