// The chaos test's choices from a seed, so a failing run can be repeated with the same victims, paths
// and outage lengths (TOPOLOGY_CHAOS_SEED); only the machine's timing still varies.

/** mulberry32: small, fast, and the same sequence for a seed on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ChaosPlan {
  /** Per vehicle in the order they are driven: booked on the reminder call, or left waiting for it. */
  booked: boolean[];
  /** Which worker is killed. */
  worker: number;
  /** Vehicles driven before the worker goes down, then after each part is back before the next goes down. */
  gaps: [number, number, number];
  /** How long each part stays down. */
  downMs: number;
}

export function chaosPlan(random: () => number, maxVehicles: number, workers: number): ChaosPlan {
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  return {
    booked: Array.from({ length: maxVehicles }, () => random() < 0.5),
    worker: Math.floor(random() * workers),
    gaps: [between(2, 6), between(2, 6), between(2, 6)],
    downMs: between(1_000, 4_000),
  };
}
