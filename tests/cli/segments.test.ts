// Segmented downloads from the command line and task files (issue 17,
// point 2): `ferry get URL --segments N` and `segments: N` on a get step
// fetch each large file in N byte ranges at once; bad values are refused
// before ferry connects.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";
import { ferry, writeServerTask } from "./_ferry.ts";

const MiB = 1024 * 1024;

/** A server holding a 20 MiB file; records the REST offset of each RETR and each login. */
async function lab() {
  const server = await FtpTestServer.start();
  const content = pseudoRandomBytes(20 * MiB, 41);
  await Deno.writeFile(join(server.root, "big.bin"), content);
  const retrs: number[] = [];
  let logins = 0;
  const rest = new Map<number, number>();
  server.faults.onCommand = (c) => {
    if (c.verb === "USER") logins++;
    if (c.verb === "REST") rest.set(c.session, Number(c.argument));
    if (c.verb === "RETR") {
      retrs.push(rest.get(c.session) ?? 0);
      rest.delete(c.session);
    }
    return undefined;
  };
  return { server, content, retrs, logins: () => logins };
}

Deno.test("ferry get --segments 4 fetches four ranges and the file is whole", async () => {
  const { server, content, retrs } = await lab();
  await using _server = server;
  await using dir = await tempDir();
  const result = await ferry(["get", `${server.url}/big.bin`, `${dir.path}/`, "--segments", "4"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await sha256File(join(dir.path, "big.bin")), sha256(content));
  assert.deepEqual(retrs.sort((a, b) => a - b), [0, 5, 10, 15].map((n) => n * MiB));
  assert.deepEqual([...Deno.readDirSync(dir.path)].map((e) => e.name), ["big.bin"]);
});

Deno.test("ferry get --segments with a bad value is refused before connecting", async () => {
  const { server, logins } = await lab();
  await using _server = server;
  await using dir = await tempDir();
  for (const bad of ["0", "17", "two", "1.5"]) {
    const result = await ferry(["get", `${server.url}/big.bin`, `${dir.path}/`, "--segments", bad]);
    assert.equal(result.code, 2, `${bad}: ${result.stderr}`);
    assert.match(result.stderr, /--segments must be a whole number from 1 to 16/);
  }
  const pipe = await ferry(["get", `${server.url}/big.bin`, "-", "--segments", "4"]);
  assert.equal(pipe.code, 2, pipe.stderr);
  assert.match(pipe.stderr, /--segments does not apply to "-"/);
  assert.equal(logins(), 0, "never connected");
  assert.deepEqual([...Deno.readDirSync(dir.path)], []);
});

Deno.test("a task file's get step with segments: 4 fetches four ranges; segments: 0 is refused", async () => {
  const { server, content, retrs, logins } = await lab();
  await using _server = server;
  await using dir = await tempDir();
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - get: { from: big.bin, to: out/, segments: 4 }\n`,
  );
  const result = await ferry(["run", task], { cwd: dir.path });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(await sha256File(join(dir.path, "out", "big.bin")), sha256(content));
  assert.equal(retrs.length, 4);

  const before = logins();
  const bad = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - get: { from: big.bin, to: bad/, segments: 0 }\n`,
  );
  const refused = await ferry(["run", bad], { cwd: dir.path });
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /segments/);
  assert.equal(logins(), before, "never connected");
});

Deno.test("ferry permissions for a task with segments: the printed flags run it, the progress file included", async () => {
  const { server, content, retrs } = await lab();
  await using _server = server;
  await using dir = await tempDir();
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - get: { from: big.bin, to: out/, segments: 4 }\n`,
  );
  const printed = await ferry(["permissions", task], { cwd: dir.path });
  assert.equal(printed.code, 0, printed.stderr);
  const flags = printed.stdout.trim().split(" ");
  assert.ok(!flags.includes("-A") && !flags.includes("--allow-all"), printed.stdout);
  const run = await ferry(["run", task], { cwd: dir.path, permissions: flags });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(retrs.length, 4, "four ranges under the printed flags");
  assert.equal(await sha256File(join(dir.path, "out", "big.bin")), sha256(content));
  assert.deepEqual([...Deno.readDirSync(join(dir.path, "out"))].map((e) => e.name), ["big.bin"]);
});
