// When a partial file may be continued, in-process: only when its bytes are
// known to be the start of the server's file. A retry continues what this
// run wrote; a partial left by an earlier run must be newer than the
// server's file (when the server tells the time) and end with the bytes the
// server has at that place; a grown local file (resume: true) must too.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { writeTree } from "../cli/_ferry.ts";
import { runSteps } from "./_run.ts";

const OLD_TIME = new Date("2025-01-01T00:00:00Z");

for (const disabledCommands of [["MLSD", "MLST"], ["MLSD", "MLST", "MDTM"], []]) {
  const label = disabledCommands.length === 0
    ? "MLSD"
    : disabledCommands.includes("MDTM")
    ? "LIST without MDTM"
    : "LIST and MDTM";
  Deno.test(`a partial file of another version is not continued (${label})`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start({ disabledCommands });
    // An earlier run was stopped while fetching version 1.
    await writeTree(dir.path, { "out/f.txt.ferry-part": "1111111111" });
    const part = join(dir.path, "out/f.txt.ferry-part");
    // Then the server got version 2 (its time later than the partial's
    // where the server says; the same bytes are what give it away otherwise).
    await writeTree(server.root, { "pub/f.txt": "2222222222222222222222222222222222222222\n" });
    const partTime = new Date(Date.now() - 60_000);
    await Deno.utime(part, partTime, partTime);
    const report = await runSteps(
      dir.path,
      server,
      "  - sync: { direction: down, remote: pub, local: out }\n",
    );
    assert.ok(report.ok, JSON.stringify(report.steps[0]));
    const download = report.steps[0].actions.find((a) => a.action === "download")!;
    assert.equal(download.resumedFrom, undefined);
    assert.equal(
      await Deno.readTextFile(join(dir.path, "out/f.txt")),
      "2222222222222222222222222222222222222222\n",
    );
    assert.match(report.steps[0].warnings.join("\n"), /f\.txt.*starting over/);
  });
}

Deno.test("a partial file of the same version, left by an earlier run, is continued", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ disabledCommands: ["MLSD", "MLST"] });
  const bytes = pseudoRandomBytes(300_000, 3);
  await writeTree(server.root, { "pub/f.bin": bytes });
  await Deno.utime(join(server.root, "pub/f.bin"), OLD_TIME, OLD_TIME);
  await writeTree(dir.path, { "out/f.bin.ferry-part": bytes.subarray(0, 200_000) });
  const report = await runSteps(dir.path, server, "  - get: { from: pub/f.bin, to: out/ }\n");
  assert.ok(report.ok, JSON.stringify(report.steps[0]));
  assert.equal(report.steps[0].actions[0].resumedFrom, 200_000);
  assert.equal(await sha256File(join(dir.path, "out/f.bin")), sha256(bytes));
});

Deno.test("resume: true continues a grown log, and starts over after a rotation", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "logs/app.log": "mon 1\nmon 2\n" });
  const step = "  - get: { from: logs/app.log, to: local/, resume: true }\n";
  assert.ok((await runSteps(dir.path, server, step)).ok);

  await Deno.writeTextFile(join(server.root, "logs/app.log"), "mon 3\n", { append: true });
  const grown = await runSteps(dir.path, server, step);
  assert.equal(grown.steps[0].actions[0].resumedFrom, 12);
  assert.equal(await Deno.readTextFile(join(dir.path, "local/app.log")), "mon 1\nmon 2\nmon 3\n");

  // Nightly rotation: a fresh app.log that is soon longer than the old one.
  await Deno.writeTextFile(join(server.root, "logs/app.log"), "tue 1\ntue 2\ntue 3\ntue 4\n");
  const rotated = await runSteps(dir.path, server, step);
  assert.ok(rotated.ok, JSON.stringify(rotated.steps[0]));
  assert.equal(rotated.steps[0].actions[0].resumedFrom, undefined);
  assert.equal(
    await Deno.readTextFile(join(dir.path, "local/app.log")),
    "tue 1\ntue 2\ntue 3\ntue 4\n",
  );
});

Deno.test("a retry continues only what this run wrote, not a partial the first try never touched", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start({ disabledCommands: ["MLSD", "MLST", "MDTM"] });
  await writeTree(server.root, { "pub/f.txt": "new version, forty bytes of it......!!\n" });
  await writeTree(dir.path, { "out/f.txt.ferry-part": "stale part" });
  let retrs = 0;
  server.faults.onCommand = (c) =>
    c.verb === "RETR" && ++retrs === 1
      ? { reply: "425 Can't open data connection.\r\n" }
      : undefined;
  const report = await runSteps(dir.path, server, "  - get: { from: pub/f.txt, to: out/ }\n");
  assert.ok(report.ok, JSON.stringify(report.steps[0]));
  assert.equal(report.steps[0].actions[0].attempts, 2);
  assert.equal(
    await Deno.readTextFile(join(dir.path, "out/f.txt")),
    "new version, forty bytes of it......!!\n",
  );
});

Deno.test("a get step with segments: an interrupted run's next run continues each segment", async () => {
  const MiB = 1024 * 1024;
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const content = pseudoRandomBytes(24 * MiB, 61);
  await Deno.writeFile(join(server.root, "big.bin"), content);
  const retrs: number[] = [];
  const rest = new Map<number, number>();
  // In the first run the last segment goes first, alone, to its end: the
  // temporary then has its full size, and only the progress file tells
  // what is missing. The others wait for its 6 MiB (or 10 s).
  let holdBack = true;
  let release!: () => void;
  const lastDone = new Promise<void>((resolve) => release = resolve);
  const timer = setTimeout(release, 10_000);
  server.faults.onCommand = async (c) => {
    if (c.verb === "REST") rest.set(c.session, Number(c.argument));
    if (c.verb !== "RETR") return undefined;
    const offset = rest.get(c.session) ?? 0;
    retrs.push(offset);
    rest.delete(c.session);
    if (holdBack && offset !== 18 * MiB) await lastDone;
    return undefined;
  };
  const step = "  - get: { from: big.bin, to: out/, segments: 4 }\n";
  const stop = new AbortController();
  const first = await runSteps(dir.path, server, step, {
    signal: stop.signal,
    onEvent: (e) => {
      if (e.type !== "progress") return;
      if (e.bytes >= 6 * MiB) release();
      if (e.bytes >= 10 * MiB) stop.abort();
    },
  });
  clearTimeout(timer);
  assert.equal(first.ok, false);
  const state = JSON.parse(
    await Deno.readTextFile(join(dir.path, "out/big.bin.ferry-segments.ferry-part")),
  );
  const held = state.segments.reduce((sum: number, s: { done: number }) => sum + s.done, 0);
  assert.ok(held >= 8 * MiB, `held ${held}`);
  assert.equal(Deno.statSync(join(dir.path, "out/big.bin.ferry-part")).size, 24 * MiB);
  holdBack = false;
  retrs.length = 0;
  const second = await runSteps(dir.path, server, step);
  assert.ok(second.ok, JSON.stringify(second.steps[0]));
  assert.equal(await sha256File(join(dir.path, "out/big.bin")), sha256(content));
  const download = second.steps[0].actions.find((a) => a.action === "download")!;
  assert.equal(download.resumedFrom, held);
  // Each unfinished segment starts where the first run left it (a segment
  // that had not received a byte when the run stopped starts at its own
  // beginning: on a loaded machine that happens), and nothing is fetched twice.
  const expected = state.segments
    .filter((s: { from: number; to: number; done: number }) => s.from + s.done < s.to)
    .map((s: { from: number; done: number }) => s.from + s.done)
    .sort((a: number, b: number) => a - b);
  assert.deepEqual([...retrs].sort((a, b) => a - b), expected, "every segment continued");
  assert.ok(retrs.some((offset) => offset > 0), `something continued: ${retrs}`);
  assert.deepEqual([...Deno.readDirSync(join(dir.path, "out"))].map((e) => e.name), ["big.bin"]);
});
