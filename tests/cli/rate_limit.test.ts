// Bandwidth limits from the command line and task files (issue 17, point 1):
// `connection.rateLimit` caps a whole run, shared by every connection of the
// pool; `--limit-rate` does the same for `ferry run` and one-shot commands.
// Time is asserted as a lower bound (a slow machine is only slower) and, for
// Ctrl-C, as an upper bound with generous slack.

import assert from "node:assert/strict";
import { join } from "node:path";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { ferry, spawnFerry, writeServerTask, writeTree } from "./_ferry.ts";
import { lab } from "./_lab.ts";

const MiB = 1024 * 1024;
/** 8 MiB at 2 MiB/s: 4 s less one burst (1/8 s); never under 3.5 s when paced. */
const AT_LEAST_MS = 3_500;
/** One-shot commands read the lab's password from FTP_PASSWORD. */
const PASSWORD = ["--password-env", "FTP_PASSWORD"];

/** Four files of 2 MiB, by name. */
function quarters(): Record<string, Uint8Array> {
  return Object.fromEntries(
    [0, 1, 2, 3].map((i) => [`q${i}.bin`, pseudoRandomBytes(2 * MiB, 40 + i)]),
  );
}

async function timedFerry(args: string[], options: Parameters<typeof ferry>[1]) {
  const started = performance.now();
  const result = await ferry(args, options);
  return { ...result, ms: performance.now() - started };
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

for (const spec of lab("embedded", "vsftpd")) {
  Deno.test({
    name: `${spec.name}: a run-wide rate limit is shared by the pool's 4 connections, both ways`,
    ignore: spec.ignore,
    async fn(t) {
      await using server = await spec.start();
      await using local = await tempDir();
      const files = quarters();
      await writeTree(join(server.dir, "down"), files);
      await writeTree(join(local.path, "up"), files);
      await server.settle();

      await t.step(
        "task file: connection.rateLimit: 2MiB, get of 4 x 2 MiB over 4 connections",
        async () => {
          const task = await writeServerTask(
            local.path,
            `${server.connection}, parallel: 4, rateLimit: 2MiB`,
            "  - get: { from: down/, to: got/ }\n",
          );
          const run = await timedFerry(["run", task, "--verbose"], {
            cwd: local.path,
            env: server.env,
          });
          assert.equal(run.code, 0, run.stdout + run.stderr);
          for (const [name, bytes] of Object.entries(files)) {
            assert.equal(await sha256File(join(local.path, "got", name)), sha256(bytes), name);
          }
          // Four connections took part: the limit is the pool's, not each one's.
          const logins = new Set(
            [...(run.stdout + run.stderr).matchAll(/\[(\d+)\] > PASS/g)].map((m) => m[1]),
          );
          assert.ok(logins.size >= 2, `connections: ${[...logins]}\n${run.stdout.slice(0, 2000)}`);
          assert.ok(run.ms >= AT_LEAST_MS, `took ${run.ms.toFixed(0)} ms`);
        },
      );

      await t.step("one-shot: ferry put dir --limit-rate 2M, 4 x 2 MiB", async () => {
        const put = await timedFerry(
          [
            "put",
            join(local.path, "up") + "/",
            `${server.url}/put/`,
            "--limit-rate",
            "2M",
            ...PASSWORD,
          ],
          { cwd: local.path, env: server.env },
        );
        assert.equal(put.code, 0, put.stdout + put.stderr);
        for (const [name, bytes] of Object.entries(files)) {
          assert.equal(await sha256File(join(server.dir, "put", name)), sha256(bytes), name);
        }
        assert.ok(put.ms >= AT_LEAST_MS, `took ${put.ms.toFixed(0)} ms`);
      });
    },
  });
}

Deno.test("ferry run --limit-rate overrides a task without a limit (upload, 8 MiB)", async () => {
  const [spec] = lab("embedded");
  await using server = await spec.start();
  await using local = await tempDir();
  const data = pseudoRandomBytes(8 * MiB, 9);
  await writeTree(local.path, { "eight.bin": data });
  const task = await writeServerTask(
    local.path,
    server.connection,
    "  - put: { from: eight.bin, to: ./ }\n",
  );
  const run = await timedFerry(["run", task, "--limit-rate", "2MiB/s"], {
    cwd: local.path,
    env: server.env,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(await sha256File(join(server.dir, "eight.bin")), sha256(data));
  assert.ok(run.ms >= AT_LEAST_MS, `took ${run.ms.toFixed(0)} ms`);
});

Deno.test("Ctrl-C stops a rate-limited get at once, with no file at the final path", async () => {
  const [spec] = lab("embedded");
  await using server = await spec.start();
  await using local = await tempDir();
  await writeTree(server.dir, { "big.bin": pseudoRandomBytes(8 * MiB, 3) });
  const target = join(local.path, "out", "big.bin");
  const child = spawnFerry(
    [
      "get",
      `${server.url}/big.bin`,
      join(local.path, "out") + "/",
      "--limit-rate",
      "256K",
      ...PASSWORD,
    ],
    { cwd: local.path, env: server.env },
  );
  const status = child.status;
  try {
    // Bounded: 10 s for the transfer to start (its temporary to hold bytes).
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (exists(`${target}.ferry-part`) && Deno.statSync(`${target}.ferry-part`).size > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(exists(`${target}.ferry-part`), "the download started");
    const interruptedAt = performance.now();
    child.kill("SIGINT");
    const { code } = await status;
    const ms = performance.now() - interruptedAt;
    assert.equal(code, 130);
    assert.ok(ms < 2_000, `stopping took ${ms.toFixed(0)} ms`);
    assert.ok(!exists(target), "no file at the final path");
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // It had exited.
    }
    await status;
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
  }
});

Deno.test("bad rate limits are refused before anything is sent: flags and task files", async (t) => {
  const [spec] = lab("embedded");
  await using server = await spec.start();
  await using local = await tempDir();
  const commands = () => server.embedded!.commands.length;
  const before = commands();
  for (const bad of ["0", "-1", "fast", "2 MiB/h", "0.4", "2MB/h", "1e6"]) {
    await t.step(`--limit-rate=${bad}`, async () => {
      const get = await ferry(
        ["get", `${server.url}/x.bin`, local.path + "/", `--limit-rate=${bad}`, ...PASSWORD],
        { cwd: local.path, env: server.env },
      );
      assert.equal(get.code, 2, get.stderr);
      assert.match(get.stderr, /--limit-rate must be a rate in bytes per second above 0/);
      const task = await writeServerTask(local.path, server.connection, "  - mkdir: made\n");
      const run = await ferry(["run", task, `--limit-rate=${bad}`], {
        cwd: local.path,
        env: server.env,
      });
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /--limit-rate must be/);
    });
    await t.step(`connection.rateLimit: ${JSON.stringify(bad)}`, async () => {
      const value = /^-?[\d.]+$/.test(bad) ? bad : JSON.stringify(bad);
      const task = await writeServerTask(
        local.path,
        `${server.connection}, rateLimit: ${value}`,
        "  - mkdir: made\n",
      );
      const run = await ferry(["run", task], { cwd: local.path, env: server.env });
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /rateLimit/);
      assert.match(run.stderr, /bytes per second above 0/);
    });
  }
  assert.equal(commands(), before, "nothing was sent");
  assert.ok(!exists(join(server.dir, "made")));
});

Deno.test("ferry permissions is the same with a rate limit, and those flags run the limited task", async () => {
  const [spec] = lab("embedded");
  await using server = await spec.start();
  await using local = await tempDir();
  await writeTree(server.dir, { "a.txt": "hello\n" });
  const steps = "  - get: { from: a.txt, to: out/ }\n";
  const plain = await writeServerTask(local.path, server.connection, steps);
  const plainFlags = await ferry(["permissions", plain], { cwd: local.path, env: server.env });
  const limited = await writeServerTask(
    local.path,
    `${server.connection}, rateLimit: "500K"`,
    steps,
  );
  const limitedFlags = await ferry(["permissions", limited], { cwd: local.path, env: server.env });
  assert.equal(limitedFlags.code, 0, limitedFlags.stderr);
  assert.equal(limitedFlags.stdout, plainFlags.stdout);
  const flags = limitedFlags.stdout.trim().split(" ");
  const run = await ferry(["run", limited], {
    cwd: local.path,
    env: server.env,
    permissions: flags,
  });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(await Deno.readTextFile(join(local.path, "out", "a.txt")), "hello\n");
});
