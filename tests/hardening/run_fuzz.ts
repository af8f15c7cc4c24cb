// `deno task fuzz`: the property tests with a large budget and a fresh seed.
//
//   deno task fuzz                              # 20,000 runs per property, a random seed
//   FERRY_FUZZ_RUNS=200000 deno task fuzz       # more
//   FERRY_FUZZ_SEED=1234 deno task fuzz         # replay the seed a failure printed
//
// The normal test run uses a fixed seed and a few hundred runs per property.

const runs = Deno.env.get("FERRY_FUZZ_RUNS") ?? "20000";
const seed = Deno.env.get("FERRY_FUZZ_SEED") ?? String(Math.floor(Math.random() * 2 ** 31));
const here = new URL(".", import.meta.url);
const files = [
  "fuzz_protocol.test.ts",
  "fuzz_paths.test.ts",
  "fuzz_task.test.ts",
  "../listing/fuzz.test.ts",
  "../protocol/line_endings.test.ts",
  "../protocol/values.test.ts",
].map((f) => new URL(f, here).pathname);

console.error(`ferry fuzz: FERRY_FUZZ_RUNS=${runs} FERRY_FUZZ_SEED=${seed}`);
const child = new Deno.Command(Deno.execPath(), {
  args: ["test", "--allow-read", "--allow-write", "--allow-env", ...files],
  env: { FERRY_FUZZ_RUNS: runs, FERRY_FUZZ_SEED: seed },
  stdout: "inherit",
  stderr: "inherit",
}).spawn();
const status = await child.status;
if (!status.success) {
  console.error(`ferry fuzz: failed; replay with FERRY_FUZZ_SEED=${seed} FERRY_FUZZ_RUNS=${runs}`);
}
Deno.exit(status.code);
