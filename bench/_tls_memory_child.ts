// One 1 GiB FTPS download (or upload) in a fresh process, for bench/tls_memory.ts:
// samples Deno.memoryUsage() (this thread's heap and external memory, the
// process's RSS) every 100 ms and reports them with the time the transfer
// took and the peak RSS (VmHWM).
//
// Usage: deno run -A _tls_memory_child.ts MOD_URL URL CA_PATH PATH REMOTE LOCAL [get|put]
// "put" uploads LOCAL to REMOTE instead (uploadFrom).
// MOD_URL is the ferry to measure (its mod.ts; another checkout for a
// before/after). PATH: "node" (Node's TLS in a worker, tls.sessionReuse
// "always") or "native" (Deno's TLS, "never"). Commit 0470438 also had
// "native-worker", the experiment of docs/performance.md ("FTPS get").

const [modUrl, url, caPath, path, remote, local, direction = "get"] = Deno.args;
const { FtpClient } = await import(modUrl) as typeof import("../mod.ts");
const caCerts = [await Deno.readTextFile(caPath)];
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0 };
const sample = () => {
  const usage = Deno.memoryUsage();
  peak.rss = Math.max(peak.rss, usage.rss);
  peak.heapUsed = Math.max(peak.heapUsed, usage.heapUsed);
  peak.external = Math.max(peak.external, usage.external);
  peak.heapTotal = Math.max(peak.heapTotal, usage.heapTotal);
};
const timer = setInterval(sample, 50);
const client = await FtpClient.connect(url, {
  tls: { caCerts, sessionReuse: path === "node" ? "always" : "never" },
});
const rssBefore = Deno.memoryUsage().rss;
const started = performance.now();
const result = direction === "put"
  ? await client.uploadFrom(local, remote)
  : await client.downloadTo(remote, local);
const seconds = (performance.now() - started) / 1000;
await client.close();
clearInterval(timer);
sample();
const status = Deno.readTextFileSync("/proc/self/status");
const peakRss = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
console.log(JSON.stringify({ bytes: result.bytes, seconds, peakRss, rssBefore, sampled: peak }));
