// Bandwidth limits (issue 17, point 1): a transfer's `rateLimit`, a client's,
// and one limiter shared by several clients, in both directions, against
// the embedded server and vsftpd. Timing is asserted as a lower bound only
// (a slow machine only makes a paced transfer slower), and, for aborts, as
// an upper bound with generous slack. The memory of a paced transfer is
// checked in a child process (tests/_live_memory.ts).

import assert from "node:assert/strict";
import { FtpAbortError, FtpClient, FtpInputError, RateLimiter } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { flatness, LIVE_MEMORY_FLAGS } from "../_live_memory.ts";
import { embeddedLab, LABS } from "../_servers/labs.ts";

const KiB = 1024;
const MiB = 1024 * KiB;
const RATE = 2 * MiB;
/**
 * 8 MiB at 2 MiB/s: 4 s, less the bucket's burst (an eighth of a second's
 * worth). 3.5 s leaves room for that burst and for rounding, never for an
 * unpaced transfer (a fraction of a second on loopback).
 */
const AT_LEAST_MS = 3_500;

/** Writes a file the server may read and replace (vsftpd runs as `ftp`). */
async function serverFile(path: string, bytes: Uint8Array): Promise<void> {
  await Deno.writeFile(path, bytes);
  await Deno.chmod(path, 0o666);
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

for (const lab of LABS) {
  Deno.test({
    name: `rate limits against the ${lab.name}: paced in both directions, shared, abortable`,
    ignore: lab.ignore,
    async fn(t) {
      await using server = await lab.start();
      await using local = await tempDir();
      const data = pseudoRandomBytes(8 * MiB, 17);
      await serverFile(`${server.dir}/eight.bin`, data);
      await Deno.writeFile(`${local.path}/eight.bin`, data);

      await t.step("downloadTo at 2 MiB/s: 8 MiB take at least 3.5 s, bytes intact", async () => {
        await using client = await FtpClient.connect(server.url);
        const target = `${local.path}/down.bin`;
        const { ms, value } = await timed(() =>
          client.downloadTo("eight.bin", target, { rateLimit: RATE })
        );
        assert.equal(value.bytes, 8 * MiB);
        assert.equal(await sha256File(target), sha256(data));
        assert.ok(ms >= AT_LEAST_MS, `took ${ms.toFixed(0)} ms`);
      });

      await t.step("uploadFrom at 2 MiB/s: 8 MiB take at least 3.5 s, bytes intact", async () => {
        await using client = await FtpClient.connect(server.url);
        const { ms, value } = await timed(() =>
          client.uploadFrom(`${local.path}/eight.bin`, "up.bin", { rateLimit: RATE })
        );
        assert.equal(value.bytes, 8 * MiB);
        assert.equal(await sha256File(`${server.dir}/up.bin`), sha256(data));
        assert.ok(ms >= AT_LEAST_MS, `took ${ms.toFixed(0)} ms`);
      });

      await t.step(
        "download() and upload(path) streams at 4 MiB/s each: 8 MiB one way, 8 MiB back",
        async () => {
          await using client = await FtpClient.connect(server.url);
          const { ms } = await timed(async () => {
            const stream = await client.download("eight.bin", { rateLimit: 4 * MiB });
            const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
            assert.equal(sha256(bytes), sha256(data));
            const writable = await client.upload("back.bin", { rateLimit: 4 * MiB });
            await new Blob([bytes]).stream().pipeTo(writable);
          });
          assert.equal(await sha256File(`${server.dir}/back.bin`), sha256(data));
          assert.ok(ms >= AT_LEAST_MS, `took ${ms.toFixed(0)} ms`);
        },
      );

      await t.step("a client's rateLimit counts both directions of all its transfers", async () => {
        await using client = await FtpClient.connect(server.url, { rateLimit: RATE });
        const target = `${local.path}/client.bin`;
        const { ms } = await timed(async () => {
          await client.downloadTo("eight.bin", target);
          await client.uploadFrom(`${local.path}/eight.bin`, "client.bin");
        });
        assert.equal(await sha256File(target), sha256(data));
        assert.equal(await sha256File(`${server.dir}/client.bin`), sha256(data));
        // 16 MiB at 2 MiB/s.
        assert.ok(ms >= 2 * AT_LEAST_MS, `took ${ms.toFixed(0)} ms`);
      });

      await t.step(
        "one limiter shared by 4 clients: 4 x 2 MiB at 2 MiB/s take at least 3.5 s",
        async () => {
          const quarter = 2 * MiB;
          for (let i = 0; i < 4; i++) {
            await serverFile(
              `${server.dir}/q${i}.bin`,
              data.subarray(i * quarter, (i + 1) * quarter),
            );
          }
          const rateLimit = new RateLimiter(RATE);
          const clients = await Promise.all(
            [0, 1, 2, 3].map(() => FtpClient.connect(server.url, { rateLimit })),
          );
          try {
            const { ms } = await timed(() =>
              Promise.all(
                clients.map((client, i) =>
                  i % 2 === 0
                    ? client.downloadTo(`q${i}.bin`, `${local.path}/q${i}.bin`)
                    : client.upload(`u${i}.bin`, data.subarray(i * quarter, (i + 1) * quarter))
                ),
              )
            );
            for (const i of [0, 2]) {
              assert.equal(
                await sha256File(`${local.path}/q${i}.bin`),
                sha256(data.subarray(i * quarter, (i + 1) * quarter)),
              );
            }
            for (const i of [1, 3]) {
              assert.equal(
                await sha256File(`${server.dir}/u${i}.bin`),
                sha256(data.subarray(i * quarter, (i + 1) * quarter)),
              );
            }
            assert.ok(ms >= AT_LEAST_MS, `took ${ms.toFixed(0)} ms`);
          } finally {
            await Promise.all(clients.map((client) => client.close()));
          }
        },
      );

      await t.step("aborting a paced download rejects within 2 s and leaves no file", async () => {
        await using client = await FtpClient.connect(server.url);
        const target = `${local.path}/aborted.bin`;
        const controller = new AbortController();
        const download = client.downloadTo("eight.bin", target, {
          rateLimit: 256 * KiB,
          signal: controller.signal,
        });
        download.catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const abortedAt = performance.now();
        controller.abort();
        await assert.rejects(download, FtpAbortError);
        const ms = performance.now() - abortedAt;
        assert.ok(ms < 2_000, `the abort took ${ms.toFixed(0)} ms`);
        assert.ok(!exists(target), "no file at the final path");
        assert.ok(!exists(`${target}.ferry-part`), "no temporary left (no resume asked)");
        // The client is still usable.
        assert.equal(await client.size("eight.bin"), 8 * MiB);
      });

      await t.step(
        "aborting a paced atomic upload rejects within 2 s and leaves no file",
        async () => {
          await using client = await FtpClient.connect(server.url);
          const controller = new AbortController();
          const upload = client.uploadFrom(`${local.path}/eight.bin`, "aborted.bin", {
            rateLimit: 256 * KiB,
            atomic: true,
            signal: controller.signal,
          });
          upload.catch(() => {});
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          const abortedAt = performance.now();
          controller.abort();
          await assert.rejects(upload, FtpAbortError);
          const ms = performance.now() - abortedAt;
          assert.ok(ms < 2_000, `the abort took ${ms.toFixed(0)} ms`);
          assert.ok(!exists(`${server.dir}/aborted.bin`), "no file at the final path");
          await client.noop();
        },
      );
    },
  });
}

Deno.test("bad rate limits are refused with FtpInputError before anything is sent", async () => {
  await using server = await FtpTestServer.start();
  for (const bad of [0, -1, NaN, Infinity, "fast" as unknown as number]) {
    assert.throws(() => new RateLimiter(bad), FtpInputError, String(bad));
    assert.throws(() => new FtpClient({ port: server.port, rateLimit: bad }), FtpInputError);
  }
  assert.throws(() => new RateLimiter(1024, { burstBytes: 0 }), FtpInputError);
  await using client = await FtpClient.connect(server.url);
  const before = server.commands.length;
  for (const bad of [0, -5, NaN, "2M" as unknown as number]) {
    await assert.rejects(client.downloadTo("x", "./never", { rateLimit: bad }), FtpInputError);
    await assert.rejects(client.download("x", { rateLimit: bad }), FtpInputError);
    await assert.rejects(client.upload("x", "data", { rateLimit: bad }), FtpInputError);
    await assert.rejects(client.uploadFrom("./missing", "x", { rateLimit: bad }), FtpInputError);
    await assert.rejects(client.upload("x", { rateLimit: bad }), FtpInputError);
  }
  assert.deepEqual(server.commands.slice(before), []);
  assert.ok(!exists("./never"));
});

Deno.test("RateLimiter: waiters are served in turn at the rate, and an abort ends a wait at once", async () => {
  const limiter = new RateLimiter(100 * KiB, { burstBytes: 10 * KiB });
  assert.equal(limiter.burstBytes, 10 * KiB);
  assert.equal(limiter.chunkBytes, 6400);
  // The bucket starts full: the first burst passes at once.
  await limiter.take(10 * KiB);
  const order: number[] = [];
  const started = performance.now();
  await Promise.all(
    [0, 1, 2, 3].map((i) => limiter.take(10 * KiB).then(() => order.push(i))),
  );
  // 40 KiB at 100 KiB/s.
  assert.ok(performance.now() - started >= 350, `${performance.now() - started} ms`);
  assert.deepEqual(order, [0, 1, 2, 3]);

  const controller = new AbortController();
  const slow = new RateLimiter(1, { burstBytes: 1 });
  await slow.take(1);
  const waiting = slow.take(1, controller.signal);
  const after = slow.take(1);
  const abortedAt = performance.now();
  controller.abort(new FtpAbortError("stop"));
  await assert.rejects(waiting, FtpAbortError);
  assert.ok(performance.now() - abortedAt < 100);
  // The next waiter takes the aborted one's turn (about a second at 1 byte/s).
  const ms = (await timed(() => after)).ms;
  assert.ok(ms < 2_000, `${ms} ms`);
});

Deno.test("a paced transfer's live memory stays bounded (64 MiB each way at 32 MiB/s)", async (t) => {
  await using local = await tempDir();
  await using server = await FtpTestServer.start();
  const size = 64 * MiB;
  const source = `${local.path}/source.bin`;
  const data = pseudoRandomBytes(size, 5);
  await Deno.writeFile(source, data);
  await Deno.copyFile(source, `${server.root}/remote.bin`);
  const hash = sha256(data);
  const child = new URL("./_rate_limit_child.ts", import.meta.url).pathname;
  for (const direction of ["download", "upload"]) {
    await t.step(direction, async () => {
      const target = `${local.path}/down.bin`;
      const output = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          ...LIVE_MEMORY_FLAGS,
          child,
          String(server.port),
          direction,
          String(32 * MiB),
          direction === "download" ? "remote.bin" : "up.bin",
          direction === "download" ? target : source,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.equal(output.code, 0, new TextDecoder().decode(output.stderr));
      const result = JSON.parse(new TextDecoder().decode(output.stdout));
      assert.equal(result.bytes, size);
      assert.ok(result.ms >= 1_500, `took ${result.ms} ms`);
      assert.equal(
        await sha256File(direction === "download" ? target : `${server.root}/up.bin`),
        hash,
      );
      // A limiter that let the file pile up while pacing would grow by tens of MiB.
      const { ok, message } = flatness(result.samples, { growth: 8 * MiB, level: 48 * MiB });
      assert.ok(ok, message);
    });
  }
});

Deno.test("waiting for the rate limit is not a stalled data connection (dataTimeout 40 ms, waits of 62 ms)", async () => {
  await using server = await FtpTestServer.start();
  const data = pseudoRandomBytes(128, 8);
  await Deno.writeFile(`${server.root}/small.bin`, data);
  await using client = await FtpClient.connect(server.url, { dataTimeout: 40 });
  // 64 bytes/s in chunks of 4 bytes: each wait lasts about 62 ms, longer than the data timeout.
  const slow = () => new RateLimiter(64, { burstBytes: 8 });
  assert.equal(slow().chunkBytes, 4);
  const stream = await client.download("small.bin", { rateLimit: slow() });
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  assert.equal(sha256(bytes), sha256(data));
  await client.upload("back.bin", bytes, { rateLimit: slow() });
  assert.equal(sha256(await Deno.readFile(`${server.root}/back.bin`)), sha256(data));
});

Deno.test("a segmented download is one budget: its clones share the client's limit, and a call's limit covers all its segments", async () => {
  await using lab = await embeddedLab();
  await using dir = await tempDir();
  // 16 MiB in 4 segments of 4 MiB: at 4 MiB/s it takes about 4 s; a limit
  // copied into each of the 4 connections would let it finish in about 1 s.
  const bytes = pseudoRandomBytes(16 * MiB, 17);
  await serverFile(`${lab.dir}/big.bin`, bytes);
  {
    await using client = await FtpClient.connect(lab.url, { rateLimit: 4 * MiB });
    const { ms, value } = await timed(() =>
      client.downloadTo("big.bin", `${dir.path}/client.bin`, { segments: 4 })
    );
    assert.ok((value.segments ?? 1) > 1, `segmented: ${JSON.stringify(value)}`);
    assert.ok(ms >= 3_500, `16 MiB at a client's 4 MiB/s took only ${Math.round(ms)} ms`);
    assert.equal(await sha256File(`${dir.path}/client.bin`), sha256(bytes));
  }
  {
    await using client = await FtpClient.connect(lab.url);
    const { ms } = await timed(() =>
      client.downloadTo("big.bin", `${dir.path}/call.bin`, { segments: 4, rateLimit: 4 * MiB })
    );
    assert.ok(ms >= 3_500, `16 MiB at a call's 4 MiB/s took only ${Math.round(ms)} ms`);
    assert.equal(await sha256File(`${dir.path}/call.bin`), sha256(bytes));
  }
});
