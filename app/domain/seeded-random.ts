/**
 * A small, fast, seedable PRNG (public-domain mulberry32) returning floats in [0, 1): the demo seed,
 * the simulator and the property-style tests use it so that a seed reproduces a run exactly.
 * Not for anything secret.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
