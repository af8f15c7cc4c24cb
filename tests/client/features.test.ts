// A server whose FEAT reply repeats the code on every line ("211-MLST ...",
// "211- REST STREAM", legal under RFC 959): the client must still see the
// features, so it turns on UTF-8, lists with MLSD, and the runner resumes
// a cut download with REST instead of starting again at byte 0.

import assert from "node:assert/strict";
import { join } from "node:path";
import { loadTask, runTask } from "../../src/runner/mod.ts";
import { pseudoRandomBytes, sha256, tempDir } from "../_helpers.ts";
import { hostileServer } from "../hardening/_hostile_server.ts";
import { connectAs, SECRET } from "../hardening/_helpers.ts";

const KiB = 1024;
const encoder = new TextEncoder();

const FEAT_REPEATING_THE_CODE = [
  "211-Features supported:",
  "211-MLST type*;size*;modify*;",
  "211- REST STREAM",
  "211-SIZE",
  "211-MDTM",
  "211-UTF8",
  "211-EPSV",
  "211 End",
  "",
].join("\r\n");

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  // Bounded: each write moves at least one byte or throws.
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

Deno.test("a FEAT reply that repeats the code on every line: UTF-8, MLSD, and the runner resumes with REST", async () => {
  const content = pseudoRandomBytes(300 * KiB, 13);
  let retrs = 0;
  await using server = hostileServer({
    files: { "/pub/big.bin": content },
    script: async (line, session) => {
      if (line === "FEAT") return await session.write(FEAT_REPEATING_THE_CODE);
      if (line === "MLST pub/big.bin") {
        return await session.write(
          `250-Listing\r\n type=file;size=${content.length};modify=20260101000000; /pub/big.bin\r\n250 End\r\n`,
        );
      }
      if (line.startsWith("MLSD")) {
        await session.write("150 Listing\r\n");
        const data = await session.data();
        await writeAll(data, encoder.encode("type=file;size=3;modify=20260101000000; a.txt\r\n"));
        data.close();
        return await session.write("226 Done\r\n");
      }
      if (!line.startsWith("RETR ") || ++retrs > 1) return false;
      // The first download is cut short (with a 226), so the runner must resume.
      await session.write("150 Here it comes\r\n");
      const data = await session.data();
      await writeAll(data, content.subarray(0, 100 * KiB));
      data.close();
      return await session.write("226 Transfer complete (it is not)\r\n");
    },
  });
  {
    await using client = await connectAs(server.port);
    assert.deepEqual([...client.features.keys()].sort(), [
      "EPSV",
      "MDTM",
      "MLST",
      "REST",
      "SIZE",
      "UTF8",
    ]);
    assert.equal(client.features.get("REST"), "STREAM");
    assert.ok(server.received.includes("OPTS UTF8 ON"), server.received.join(" | "));
    const entries = await client.list("pub");
    assert.deepEqual(entries.map((e) => [e.name, e.type, e.size]), [["a.txt", "file", 3]]);
    assert.ok(server.received.includes("MLSD pub"), server.received.join(" | "));
    assert.ok(!server.received.some((l) => l.startsWith("LIST")), "MLSD, not LIST");
  }
  await using dir = await tempDir();
  const file = join(dir.path, "task.yaml");
  await Deno.writeTextFile(
    file,
    `version: 1
connection: { url: "${server.url}", user: alice, password: "\${PW}", parallel: 1 }
steps:
  - { get: { from: pub/big.bin, to: out/ }, retries: 2 }
`,
  );
  const report = await runTask(await loadTask(file, { env: { PW: SECRET } }));
  assert.ok(report.ok, JSON.stringify(report.steps[0]));
  const action = report.steps[0].actions.find((a) => a.action === "download")!;
  assert.equal(action.attempts, 2);
  assert.equal(action.resumedFrom, 100 * KiB, "the second attempt resumed with REST");
  assert.ok(server.received.includes(`REST ${100 * KiB}`), server.received.join(" | "));
  assert.equal(sha256(await Deno.readFile(join(dir.path, "out/big.bin"))), sha256(content));
});
