// The budget of the hardening suite's property tests: a fixed seed and a
// few hundred runs in the normal test run (seconds in all), or whatever
// FERRY_FUZZ_RUNS and FERRY_FUZZ_SEED say (`deno task fuzz` sets a large
// budget and a fresh seed, and prints the seed so a failure reproduces).

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no env permission: the defaults
  }
}

/**
 * fast-check parameters for one property.
 *
 * @param weight Scales the default run count for a costly property (0.1 = a tenth).
 */
export function fuzzParams(weight = 1): { seed: number; numRuns: number; endOnFailure: true } {
  const runs = Number(env("FERRY_FUZZ_RUNS"));
  const seed = Number(env("FERRY_FUZZ_SEED"));
  const base = Number.isSafeInteger(runs) && runs > 0 ? runs : 500;
  return {
    seed: Number.isSafeInteger(seed) ? seed : 42,
    numRuns: Math.max(10, Math.round(base * weight)),
    endOnFailure: true,
  };
}
