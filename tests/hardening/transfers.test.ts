// Transfers against servers that fail at every step: 425/426/451/452/550/552
// in answer to EPSV, to REST, to the transfer command, and after the 150
// with the data connection cut; a 226 sent before the data; a data
// connection cut short but "completed" with 226; more bytes than SIZE said;
// a server that stalls after the 150 (passive and active) or never sends
// the final reply; the control connection dropped while data flows. The
// client must end each with a typed error (code and command for replies)
// and stay in step; the runner must retry transient failures, resume, and
// end with byte-identical files and nothing partial at a final path.
//
// Covered elsewhere: dataDropAfterBytes (426) on download and upload, a
// data stall mid-download, the control connection dropped at RETR, a 452
// to STOR (tests/client/faults.test.ts); dropped data and control
// connections through the CLI with resume and atomic uploads, and Ctrl-C
// (tests/cli/faults.test.ts).

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  FtpClient,
  FtpConnectionError,
  FtpError,
  FtpPermanentError,
  FtpProtocolError,
  FtpReplyError,
  FtpTimeoutError,
  FtpTransientError,
} from "../../mod.ts";
import { loadTask, runTask } from "../../src/runner/mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, readAll, sha256, tempDir } from "../_helpers.ts";
import { treeOf } from "../cli/_ferry.ts";
import { hostileServer, type HostileSession } from "./_hostile_server.ts";
import { assertNoSecret, connectAs, errorText, SECRET, within } from "./_helpers.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const CODES = [425, 426, 451, 452, 550, 552];
const STEPS = ["EPSV", "REST", "command", "after 150"] as const;

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  // Bounded: each write moves at least one byte or throws.
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

/** Reads up to `limit` bytes of an upload, then stops reading. */
async function readSome(conn: Deno.Conn, limit: number): Promise<number> {
  const buffer = new Uint8Array(64 * KiB);
  let total = 0;
  // Bounded by `limit` and by the client closing.
  while (total < limit) {
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) break;
    total += n;
  }
  return total;
}

/** A script that fails the first transfer of `verb` at `step` with `code`. */
function failOnce(verb: "RETR" | "STOR", step: typeof STEPS[number], code: number) {
  let armed = true;
  return async (line: string, session: HostileSession): Promise<boolean> => {
    const command = line.split(" ")[0];
    if (!armed) return false;
    const text = `${code} Injected failure\r\n`;
    if (step === "EPSV" && command === "EPSV") {
      armed = false;
      return await session.write(text);
    }
    if (step === "REST" && command === "REST") {
      armed = false;
      return await session.write(text);
    }
    if (command !== verb) return false;
    armed = false;
    if (step === "command") {
      (await session.data().catch(() => undefined))?.close();
      return await session.write(text);
    }
    if (step !== "after 150") return false;
    await session.write("150 Here it comes\r\n");
    const data = await session.data();
    if (verb === "RETR") await writeAll(data, pseudoRandomBytes(100 * KiB, 3)).catch(() => {});
    else await readSome(data, 256 * KiB);
    data.close();
    return await session.write(text);
  };
}

Deno.test("425/426/451/452/550/552 at each step of a download and an upload: typed errors, then in step", async (t) => {
  const content = pseudoRandomBytes(256 * KiB, 1);
  for (const verb of ["RETR", "STOR"] as const) {
    for (const step of STEPS) {
      for (const code of CODES) {
        await t.step(`${verb}, ${step}, ${code}`, async () => {
          await using server = hostileServer({
            files: { "/f.bin": content },
            script: failOnce(verb, step, code),
          });
          await using client = await connectAs(server.port);
          const offset = step === "REST" ? 1000 : 0;
          const call = verb === "RETR"
            ? client.download("f.bin", { offset }).then(readAll)
            : client.upload("up.bin", pseudoRandomBytes(4 * MiB, 2), { offset });
          const error = await within(10_000, "transfer", call.catch((e) => e));
          assert.ok(error instanceof FtpReplyError, `${verb} ${step} ${code}: ${error}`);
          assert.equal(error.code, code);
          assert.ok(
            code < 500 ? error instanceof FtpTransientError : error instanceof FtpPermanentError,
          );
          const expected = step === "EPSV"
            ? "EPSV"
            : step === "REST"
            ? "REST 1000"
            : `${verb} ${verb === "RETR" ? "f.bin" : "up.bin"}`;
          assert.equal(error.command, expected);
          assertNoSecret("error", errorText(error));
          // In step: each of these reads its own reply.
          assert.equal(client.state, "loggedIn");
          assert.equal(await client.pwd(), "/");
          assert.equal(sha256(await readAll(await client.download("f.bin"))), sha256(content));
        });
      }
    }
  }
});

Deno.test("a 226 sent before the data: the download and the listing still get every byte", async () => {
  const content = pseudoRandomBytes(512 * KiB, 4);
  await using server = hostileServer({
    files: { "/f.bin": content, "/d/a.txt": "a", "/d/b.txt": "b" },
    script: async (line, session) => {
      if (!/^(RETR|LIST|MLSD|NLST)\b/.test(line)) return false;
      const bytes = line.startsWith("RETR") ? content : new TextEncoder().encode(
        "-rw-r--r-- 1 u g 1 Jan 01 2026 a.txt\r\n-rw-r--r-- 1 u g 1 Jan 01 2026 b.txt\r\n",
      );
      await session.write("150 Here it comes\r\n226 Done already\r\n");
      const data = await session.data();
      await new Promise((r) => setTimeout(r, 50)); // the 226 is surely read first
      await writeAll(data, bytes);
      data.close();
      return true;
    },
  });
  await using client = await connectAs(server.port);
  assert.equal(sha256(await readAll(await client.download("f.bin"))), sha256(content));
  assert.deepEqual((await client.list("d")).map((e) => e.name), ["a.txt", "b.txt"]);
  assert.equal(await client.pwd(), "/");
});

Deno.test("more bytes than SIZE and the 150 announced: delivered as sent (defined behaviour)", async () => {
  const content = pseudoRandomBytes(300 * KiB, 5);
  await using server = hostileServer({
    files: { "/f.bin": content },
    script: async (line, session) => {
      if (line === "SIZE f.bin") return await session.write("213 1000\r\n");
      if (line !== "RETR f.bin") return false;
      await session.write("150 Opening (1000 bytes)\r\n");
      const data = await session.data();
      await writeAll(data, content);
      data.close();
      return await session.write("226 Done\r\n");
    },
  });
  await using client = await connectAs(server.port);
  assert.equal(await client.size("f.bin"), 1000);
  const progress: { bytes: number; total?: number }[] = [];
  client.addEventListener("progress", (e) => progress.push({ bytes: e.bytes, total: e.total }));
  assert.equal(sha256(await readAll(await client.download("f.bin"))), sha256(content));
  assert.equal(progress.at(-1)?.bytes, content.length);
});

Deno.test("a data connection cut short but closed with 226: the client returns what came; the runner notices and resumes", async () => {
  const content = pseudoRandomBytes(600 * KiB, 6);
  let retrs = 0;
  await using server = hostileServer({
    files: { "/pub/big.bin": content },
    script: async (line, session) => {
      if (!line.startsWith("RETR ")) return false;
      retrs++;
      if (retrs > 2) return false;
      const offset = session.rest;
      session.rest = 0;
      await session.write("150 Here it comes\r\n");
      const data = await session.data();
      await writeAll(data, content.subarray(offset, offset + 200 * KiB));
      data.close();
      return await session.write("226 Transfer complete (it is not)\r\n");
    },
  });
  {
    await using client = await connectAs(server.port);
    const got = await readAll(await client.download("pub/big.bin"));
    assert.equal(got.length, 200 * KiB, "FTP cannot tell: the bytes that came, and the 226");
  }
  await using dir = await tempDir();
  const file = join(dir.path, "task.yaml");
  await Deno.writeTextFile(
    file,
    `version: 1
connection: { url: "${server.url}", user: alice, password: "\${PW}" }
steps:
  - { get: { from: pub/big.bin, to: out/ }, retries: 3 }
`,
  );
  const report = await runTask(await loadTask(file, { env: { PW: SECRET } }));
  assert.ok(report.ok, JSON.stringify(report.steps[0]));
  const action = report.steps[0].actions.find((a) => a.action === "download")!;
  assert.equal(action.attempts, 2);
  assert.equal(action.resumedFrom, 200 * KiB);
  assert.equal(sha256(await Deno.readFile(join(dir.path, "out/big.bin"))), sha256(content));
  assert.deepEqual(Object.keys(await treeOf(join(dir.path, "out"))), ["big.bin"]);
  assert.ok(server.received.includes(`REST ${200 * KiB}`));
  assert.ok(server.received.includes(`REST ${400 * KiB}`) === false, "the 2nd attempt was whole");
});

Deno.test("a server that stalls after the 150 (passive download and upload, active download): a timeout, then in step", async (t) => {
  await t.step("passive download: the data connection never moves", async () => {
    await using server = hostileServer({
      files: { "/f.txt": "abc" },
      script: async (line, session) => {
        if (line !== "RETR f.txt" || session.number !== 1) return false;
        await session.write("150 Here it comes (or not)\r\n");
        await session.data(); // accepted, never written to
        return true;
      },
    });
    await using client = await connectAs(server.port, [], { dataTimeout: 300 });
    const error = await within(10_000, "download", client.download("f.txt").then(readAll))
      .catch((e) => e);
    assert.ok(error instanceof FtpTimeoutError, String(error));
    assert.equal(error.phase, "data");
    assert.equal(await client.pwd(), "/");
  });

  await t.step("passive upload: the server never reads", async () => {
    await using server = hostileServer({
      script: async (line, session) => {
        if (line !== "STOR up.bin") return false;
        await session.write("150 Send it\r\n");
        await session.data(); // accepted, never read
        return true;
      },
    });
    await using client = await connectAs(server.port, [], { dataTimeout: 300 });
    const error = await within(
      10_000,
      "upload",
      client.upload("up.bin", pseudoRandomBytes(32 * MiB)).catch((e) => e),
    );
    assert.ok(error instanceof FtpTimeoutError, String(error));
    assert.equal(error.phase, "data");
    assert.equal(await client.pwd(), "/");
  });

  await t.step("the final reply never comes: a reply timeout, the connection closed", async () => {
    await using server = hostileServer({
      files: { "/f.txt": "abc" },
      script: async (line, session) => {
        if (line !== "RETR f.txt") return false;
        await session.write("150 Here it comes\r\n");
        const data = await session.data();
        await writeAll(data, new TextEncoder().encode("abc"));
        data.close();
        return true; // and no 226, ever
      },
    });
    // Without pipelining: a reply timeout. With it, the EPSV sent with the
    // data's end is answered in the 226's place: out of step, at once.
    for (const pipelining of [false, true]) {
      await using client = await connectAs(server.port, [], { replyTimeout: 300, pipelining });
      const error = await within(10_000, "download", client.download("f.txt").then(readAll))
        .catch((e) => e);
      if (pipelining) {
        assert.ok(error instanceof FtpProtocolError, String(error));
        assert.match(error.message, /"RETR f\.txt" with "229 .*out of step/);
      } else {
        assert.ok(error instanceof FtpTimeoutError, String(error));
        assert.equal(error.phase, "reply");
      }
      assert.equal(client.state, "unconnected");
    }
  });

  await t.step("active download: 150, but the server never connects", async () => {
    await using server = await FtpTestServer.start();
    await Deno.writeTextFile(`${server.root}/f.txt`, "abc");
    let once = true;
    server.faults.onCommand = (c) =>
      c.verb === "RETR" && once ? (once = false, { reply: "150 Connecting (not)\r\n" }) : undefined;
    await using client = await FtpClient.connect({ port: server.port, connectTimeout: 300 });
    client.transferMode = "active";
    const error = await within(10_000, "download", client.download("f.txt").then(readAll))
      .catch((e) => e);
    assert.ok(error instanceof FtpError, String(error));
    assert.ok(
      error instanceof FtpTimeoutError || error instanceof FtpConnectionError,
      String(error),
    );
    assert.equal(await client.pwd(), "/");
    assert.equal(await new Response(await client.download("f.txt")).text(), "abc");
  });
});

Deno.test("the control connection dropped while data flows (download, upload, and after the last byte): typed error, unconnected", async (t) => {
  const content = pseudoRandomBytes(2 * MiB, 7);
  const cases = {
    "download, mid-data": async (session: HostileSession) => {
      await session.write("150 Here it comes\r\n");
      const data = await session.data();
      await writeAll(data, content.subarray(0, 512 * KiB));
      session.drop(); // control and data
    },
    "download, all data sent, no 226": async (session: HostileSession) => {
      await session.write("150 Here it comes\r\n");
      const data = await session.data();
      await writeAll(data, content);
      data.close();
      await new Promise((r) => setTimeout(r, 20));
      session.drop();
    },
    "upload, mid-data": async (session: HostileSession) => {
      await session.write("150 Send it\r\n");
      const data = await session.data();
      await readSome(data, 512 * KiB);
      session.drop();
    },
  };
  for (const [label, behave] of Object.entries(cases)) {
    await t.step(label, async () => {
      await using server = hostileServer({
        files: { "/f.bin": content },
        script: async (line, session) => {
          if (!/^(RETR|STOR) /.test(line)) return false;
          await behave(session);
          return true;
        },
      });
      await using client = await connectAs(server.port);
      const call = label.startsWith("download")
        ? client.download("f.bin").then(readAll)
        : client.upload("up.bin", pseudoRandomBytes(8 * MiB, 8));
      const error = await within(10_000, label, call.catch((e) => e));
      assert.ok(error instanceof FtpError, `${label}: ${error}`);
      assert.ok(
        error instanceof FtpConnectionError || error instanceof FtpReplyError,
        `${label}: ${error}`,
      );
      assert.equal(client.state, "unconnected", label);
      assertNoSecret("error", errorText(error));
      // The same client connects again and works.
      await client.connect();
      assert.equal(await client.pwd(), "/");
    });
  }
});

Deno.test("the runner under transient codes after the 150 retries and resumes to identical files; 5xx is final with nothing at the final path", async () => {
  const down = pseudoRandomBytes(700 * KiB, 9);
  const up = pseudoRandomBytes(900 * KiB, 10);
  await using dir = await tempDir();
  await Deno.mkdir(join(dir.path, "site"));
  await Deno.writeFile(join(dir.path, "site/up.bin"), up);
  await Deno.writeFile(join(dir.path, "site/refused.bin"), up.subarray(0, 1000));
  const attempts: Record<string, number> = {};
  await using server = hostileServer({
    files: { "/pub/down.bin": down, "/pub/missing-later.bin": "x", "/www/": "" },
    script: async (line, session) => {
      const [verb, ...rest] = line.split(" ");
      const path = rest.join(" ");
      if (verb !== "RETR" && verb !== "STOR") return false;
      const n = attempts[line] = (attempts[line] ?? 0) + 1;
      if (path.endsWith("missing-later.bin")) {
        (await session.data().catch(() => undefined))?.close();
        return await session.write("550 Gone since the listing\r\n");
      }
      if (path.endsWith("refused.bin")) {
        (await session.data().catch(() => undefined))?.close();
        return await session.write("552 Quota exceeded\r\n");
      }
      if (n > 1) return false; // later tries go through
      const offset = session.rest;
      session.rest = 0;
      await session.write("150 Go\r\n");
      const data = await session.data();
      if (verb === "RETR") {
        await writeAll(data, down.subarray(offset, offset + 300 * KiB));
      } else {
        // Keep what was read, as a real server would, then fail the transfer.
        const target = session.resolve(path);
        const buffer = new Uint8Array(64 * KiB);
        const parts: Uint8Array[] = [];
        let total = 0;
        // Bounded: 300 KiB or the client's end.
        while (total < 300 * KiB) {
          const k = await data.read(buffer).catch(() => null);
          if (k === null) break;
          parts.push(buffer.slice(0, k));
          total += k;
        }
        const kept = new Uint8Array(total);
        let at = 0;
        for (const part of parts) kept.set(part, (at += part.length) - part.length);
        server.files.set(target, kept);
      }
      data.close();
      return await session.write(`${verb === "RETR" ? 426 : 451} Connection lost\r\n`);
    },
  });
  const file = join(dir.path, "task.yaml");
  await Deno.writeTextFile(
    file,
    `version: 1
connection: { url: "${server.url}", user: alice, password: "\${PW}", parallel: 2 }
steps:
  - { get: { from: pub/down.bin, to: out/ }, retries: 3 }
  - { put: { from: site/up.bin, to: www/ }, retries: 3 }
  - { get: { from: pub/missing-later.bin, to: out/ }, retries: 3, continueOnError: true }
  - { put: { from: site/refused.bin, to: www/ }, retries: 3, continueOnError: true }
`,
  );
  const report = await runTask(await loadTask(file, { env: { PW: SECRET } }));
  const [get, put, missing, refused] = report.steps.map((step) => ({
    ...step,
    actions: step.actions.filter((a) => a.action === "download" || a.action === "upload"),
  }));
  assert.equal(get.result, "ok", JSON.stringify(get));
  assert.equal(put.result, "ok", JSON.stringify(put));
  assert.equal(get.actions[0].attempts, 2);
  assert.equal(get.actions[0].resumedFrom, 300 * KiB);
  assert.equal(put.actions[0].attempts, 2);
  assert.ok((put.actions[0].resumedFrom ?? 0) > 0, "the upload resumed");
  assert.equal(sha256(await Deno.readFile(join(dir.path, "out/down.bin"))), sha256(down));
  assert.equal(sha256(server.files.get("/www/up.bin")!), sha256(up));
  // 5xx: one try each, a failed step, nothing at the final path.
  assert.equal(missing.result, "failed");
  assert.equal(missing.actions[0].attempts, 1);
  assert.equal(missing.actions[0].error?.code, 550);
  assert.equal(refused.result, "failed");
  assert.equal(refused.actions[0].attempts, 1);
  assert.equal(refused.actions[0].error?.code, 552);
  const local = Object.keys(await treeOf(join(dir.path, "out")));
  assert.ok(!local.includes("missing-later.bin"), local.join());
  assert.ok(!server.files.has("/www/refused.bin"));
  assertNoSecret("report", JSON.stringify(report));
});
