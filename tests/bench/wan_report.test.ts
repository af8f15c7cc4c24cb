// docs/performance.md is written by two benchmarks: bench/peers.ts (loopback
// tables, then a hand-written analysis it keeps) and bench/wan.ts (the "Over
// a real link" section). Each must keep what the other wrote.

import assert from "node:assert/strict";
import { ANALYSIS_MARKER, writeReport } from "../../bench/_peers_report.ts";
import {
  mergeWanSection,
  renderWanSection,
  WAN_BEGIN,
  WAN_END,
  type WanRun,
  writeWanReport,
} from "../../bench/_wan_report.ts";
import { tempDir } from "../_helpers.ts";

function wanRun(ferrySeconds: number): WanRun {
  const measure = (tool: string, seconds: number, flights: number) => ({
    job: "get 200 × 4 KiB, 1 connection",
    tool,
    how: tool,
    files: 200,
    seconds,
    all: [seconds],
    flights,
    commands: flights,
    controlConnections: 1,
    dataConnections: 201,
    verbs: { RETR: 200 },
    proxyCpuSeconds: 0.1,
  });
  return {
    date: "2026-01-01",
    rttMs: 40,
    rateBytesPerSecond: undefined,
    runs: 3,
    server: "vsftpd 3.0.3",
    load: "1-minute load average between 1.0 and 2.0 while the jobs ran",
    pingMs: [40.2, 40.4],
    jobs: ["get 200 × 4 KiB, 1 connection"],
    measures: [measure("ferry", ferrySeconds, 805), measure("lftp", 33.4, 810)],
    overhead: [],
  };
}

const count = (text: string, part: string) => text.split(part).length - 1;

async function peersReport(path: string): Promise<void> {
  await writeReport(path, [{ name: "cold start, 1 small get", unit: "s" }], [
    {
      client: "ferry",
      scenario: "cold start, 1 small get",
      seconds: 0.07,
      all: [0.07],
      peakKiB: 1,
    },
  ], 1);
}

Deno.test("wan report: the section lands below the analysis, and peers.ts keeps it", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/performance.md`;
  await peersReport(path);
  const analysis = `\n\n${ANALYSIS_MARKER}\n\n## Targets\n\nHand-written words.\n`;
  await Deno.writeTextFile(path, (await Deno.readTextFile(path)) + analysis);
  const before = await Deno.readTextFile(path);

  await writeWanReport(path, wanRun(34.2));
  const withWan = await Deno.readTextFile(path);
  assert.ok(withWan.startsWith(before.trimEnd()), "the peers' part and the analysis are intact");
  assert.ok(withWan.indexOf(WAN_BEGIN) > withWan.indexOf(ANALYSIS_MARKER));
  assert.match(
    withWan,
    /\| get 200 × 4 KiB, 1 connection \| 34\.2 s \| 33\.4 s \| 0\.98 \(vs lftp\) \|/,
  );
  assert.match(withWan, /4\.03 \(805; 805 cmds\)/);

  // bench:peers rewrites its tables and keeps everything from the marker on.
  await peersReport(path);
  const afterPeers = await Deno.readTextFile(path);
  assert.ok(afterPeers.includes(renderWanSection(wanRun(34.2))), "the WAN section survived");
  assert.ok(afterPeers.includes("Hand-written words."));

  // A new WAN run replaces its section and nothing else.
  await writeWanReport(path, wanRun(17.0));
  const again = await Deno.readTextFile(path);
  assert.equal(count(again, WAN_BEGIN), 1);
  assert.equal(count(again, WAN_END), 1);
  assert.ok(again.includes("| 17.0 s |"));
  assert.ok(!again.includes("| 34.2 s |"));
  assert.equal(
    again.slice(0, again.indexOf(WAN_BEGIN)),
    afterPeers.slice(0, afterPeers.indexOf(WAN_BEGIN)),
  );
});

Deno.test("wan report: without an analysis marker, one is put before the section", () => {
  const section = renderWanSection(wanRun(30));
  const merged = mergeWanSection("# Performance\n\nSome tables.\n", section);
  assert.ok(merged.startsWith("# Performance\n\nSome tables.\n"));
  assert.ok(merged.indexOf(ANALYSIS_MARKER) < merged.indexOf(WAN_BEGIN));
  assert.equal(count(merged, ANALYSIS_MARKER), 1);
  // Merging again replaces, and adds no second marker.
  const twice = mergeWanSection(merged, renderWanSection(wanRun(20)));
  assert.equal(count(twice, ANALYSIS_MARKER), 1);
  assert.equal(count(twice, WAN_BEGIN), 1);
  assert.equal(mergeWanSection("", section), `${ANALYSIS_MARKER}\n\n${section}\n`);
});
