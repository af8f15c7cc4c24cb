// Where the time of a one-file get goes, from inside the process: marks
// (epoch milliseconds, performance.timeOrigin + performance.now(), the clock
// the parent uses too) around loading the modules, the work and the close,
// printed as one JSON line on stderr.
// bench/startup.ts runs it as a fresh process with the CLI's flags and config.
// No static imports, and dynamic ones through a variable: Deno builds the
// graph of every import it can see before a script's first line, so those
// would be loaded before the first mark. (src/cli/mod.ts's own lazy imports
// are visible to Deno, so its graph includes them, as when the CLI runs.)
//
//   deno run ... _startup_probe.ts cli URL PATH   (the CLI's path, through main)
//   deno run ... _startup_probe.ts lib URL PATH   (FtpClient.connect, downloadTo, close)
//   deno run ... _startup_probe.ts empty          (nothing: the runtime's own start and exit)

const now = () => performance.timeOrigin + performance.now();
/** CPU time this thread has run, in ms (Linux schedstat): less swayed by a busy machine than wall time. */
const cpu = () => Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]) / 1e6;
const marks: Record<string, number> = {};
const cpuMarks: Record<string, number> = {};
const mark = (name: string) => {
  marks[name] = now();
  cpuMarks[name] = cpu();
};
mark("start");
const [mode, url, path] = Deno.args;
const load = (path: string) => import(new URL(path, import.meta.url).href);
if (mode === "cli") {
  const { main } = await load("../src/cli/mod.ts");
  mark("cliModule");
  // What `ferry get` loads on demand (src/cli/mod.ts: oneShotModule, jobModule).
  await Promise.all([load("../src/cli/_oneshot.ts"), load("../src/cli/_job.ts")]);
  mark("getModules");
  const code = await main(["get", url, path]);
  if (code !== 0) throw new Error(`ferry get exited with ${code}`);
  mark("done");
} else if (mode === "lib") {
  const { FtpClient } = await load("../mod.ts");
  mark("clientModule");
  const { origin, pathname } = new URL(url);
  const client = await FtpClient.connect(origin);
  mark("connected");
  await client.downloadTo(decodeURIComponent(pathname), path);
  mark("downloaded");
  await client.close();
  mark("done");
}
// On stderr: stdout carries what `ferry get` prints.
console.error(JSON.stringify({ marks, cpuMarks }));
