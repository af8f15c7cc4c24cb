import { join } from "node:path";
import { loadTask, runTask } from "/work/wt/timeouts/src/runner/mod.ts";
import { pseudoRandomBytes } from "/work/wt/timeouts/tests/_helpers.ts";
import { hostileServer } from "/work/wt/timeouts/tests/hardening/_hostile_server.ts";
const files: Record<string, Uint8Array> = {};
for (let i = 0; i < 20; i++) {
  files[`/d/f${String(i).padStart(2, "0")}.bin`] = pseudoRandomBytes(1024, i + 1);
}
let retrs = 0;
let dead = false;
const t0 = performance.now();
const ts = () => (performance.now() - t0).toFixed(0);
await using server = hostileServer({
  files,
  script: (line, session) => {
    if (line.startsWith("RETR") && ++retrs > 3) {
      if (!dead) console.log(ts(), "DEAD");
      dead = true;
    }
    if (!dead) return false;
    console.log(ts(), "muted", session.number, line);
    session.mute();
    return true;
  },
});
const dir = await Deno.makeTempDir();
const file = join(dir, "task.yaml");
await Deno.writeTextFile(
  file,
  `version: 1
connection: { url: "ftp://127.0.0.1:${server.port}", user: alice, password: x, connectTimeout: 1000ms, replyTimeout: 1000ms, dataTimeout: 1000ms, parallel: 2 }
steps:
  - { get: { from: d/, to: ${JSON.stringify(dir + "/out/")} } }
`,
);
const report = await runTask(await loadTask(file), {
  trace: true,
  onEvent: (e) => {
    if (e.type === "debug") console.log(ts(), "dbg", e.connection, e.line);
    else if (e.type === "actionEnd") {
      console.log(ts(), e.type, e.action.path, e.action.result, e.action.attempts);
    } else if (e.type !== "progress") {
      console.log(ts(), e.type, (e as any).action?.path ?? "", (e as any).error?.message ?? "");
    }
  },
});
console.log(ts(), report.durationMs);
await Deno.remove(dir, { recursive: true });
