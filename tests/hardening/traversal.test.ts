// Listings that try to steer recursive work outside its target: `../x`,
// `/etc/x`, `a/../../b`, `..\x`, `C:x`, names holding NUL or CR, `.` and
// `..`, a symbolic link loop, and a directory that contains itself for ever.
// Through the runner's get (directory and glob), sync down with delete,
// sync up with delete, rm with a glob and rmdir: nothing is written, read
// or deleted outside the target, and each unsafe name is a warning.
//
// And names fed back into commands: a name holding CR (`evil\rDELE x`) is
// never sent as part of another command, whether it comes from a listing
// during recursive work or from nlst() into the caller's own calls. The
// embedded server splits command lines at a lone CR, as some servers do, so
// a CR that got through would run `DELE x`.
//
// Covered elsewhere: walk() and the client's recursive rmdir under the same
// names, MLSD and LIST, and followSymlinks loops (tests/client/listing.test.ts).

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, FtpInputError } from "../../mod.ts";
import { loadTask, type RunReport, runTask } from "../../src/runner/mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { tempDir } from "../_helpers.ts";
import { treeOf, writeTree } from "../cli/_ferry.ts";

/** Unsafe names, with what must never be touched because of them. */
const HOSTILE = [
  "../escape.txt",
  "/etc/ferry-hardening-abs.txt",
  "a/../../b.txt",
  "..\\win.txt",
  "C:boot.ini",
  "nul\0byte.txt",
  "cr\ronly.txt",
  "evil\rDELE victim.txt",
  "sub/../../../up.txt",
];

function entryLine(verb: string, name: string, type: "file" | "dir" | "link", size = 4): string {
  if (verb === "MLSD") {
    const fact = type === "file" ? "file" : type === "dir" ? "dir" : "OS.unix=slink:.";
    return `type=${fact};size=${size};modify=20260102030405; ${name}`;
  }
  const mode = type === "file" ? "-rw-r--r--" : type === "dir" ? "drwxr-xr-x" : "lrwxrwxrwx";
  return `${mode} 1 u g ${size} Jan 01 2026 ${name}${type === "link" ? " -> ." : ""}`;
}

/**
 * The hostile listing of /evil and /evil/sub, with the real entries among
 * them; `link` adds a symbolic link to "." (not there for delete tests: a
 * sync would rightly delete a link the source does not have).
 */
function hostileListing(verb: string, path: string, link: boolean): string[] | undefined {
  const hostile = [
    ...HOSTILE.map((name) => entryLine(verb, name, "file")),
    entryLine(verb, "..", "dir"),
    entryLine(verb, ".", "dir"),
    ...(link ? [entryLine(verb, "loop", "link")] : []),
  ];
  if (path === "/evil") {
    return [...hostile, entryLine(verb, "good.txt", "file"), entryLine(verb, "sub", "dir")];
  }
  if (path === "/evil/sub") return [...hostile, entryLine(verb, "deep.txt", "file", 5)];
  return undefined;
}

async function serverFor(disabledCommands: string[], link: boolean) {
  const server = await FtpTestServer.start({ disabledCommands });
  await writeTree(server.root, {
    "evil/good.txt": "good",
    "evil/sub/deep.txt": "deep!",
    "escape.txt": "outside: must survive",
    "b.txt": "outside: must survive",
    "up.txt": "outside: must survive",
    "victim.txt": "must survive",
    "evil/victim.txt": "must survive too",
  });
  server.faults.listing = (r) => hostileListing(r.verb, r.path, link);
  return server;
}

/** Runs a YAML task in-process. */
async function run(dir: string, server: FtpTestServer, steps: string): Promise<RunReport> {
  const file = join(dir, "task.yaml");
  await Deno.writeTextFile(
    file,
    `version: 1\nconnection: { url: "${server.url}", parallel: 2 }\nsteps:\n${steps}`,
  );
  // Bounded: a runner that walked for ever would be stopped (and fail the test).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30_000);
  try {
    return await runTask(await loadTask(file, { envFile: false }), { signal: controller.signal });
  } finally {
    clearTimeout(timer);
  }
}

/** Each unsafe name (other than `.` and `..`, which parsers drop) was reported. */
function assertWarnedEach(warnings: string[], label: string): void {
  for (const name of HOSTILE) {
    assert.ok(
      warnings.some((w) => w.includes(JSON.stringify(name).slice(1, -1))),
      `${label}: no warning for ${JSON.stringify(name)}:\n${warnings.join("\n")}`,
    );
  }
}

/** Nothing the server ran names a path outside /evil, or the CR victim. */
function assertStayedInside(commands: readonly string[]): void {
  for (const command of commands) {
    assert.ok(!/victim|\\|C:|\/etc\/|escape|b\.txt|up\.txt|\0/.test(command), command);
    assert.ok(!/^(DELE|RMD|RETR|STOR|MKD|RNFR|RNTO|APPE|CWD) .*\.\./.test(command), command);
  }
}

async function assertOutsideUntouched(server: FtpTestServer): Promise<void> {
  for (const name of ["escape.txt", "b.txt", "up.txt", "victim.txt", "evil/victim.txt"]) {
    assert.ok(
      (await Deno.readTextFile(join(server.root, name))).startsWith("must survive") ||
        (await Deno.readTextFile(join(server.root, name))).startsWith("outside"),
      name,
    );
  }
  await assert.rejects(Deno.stat("/etc/ferry-hardening-abs.txt"), Deno.errors.NotFound);
}

for (const disabledCommands of [[], ["MLSD", "MLST"]]) {
  const format = disabledCommands.length ? "LIST" : "MLSD";

  Deno.test(`runner get and sync down under a hostile ${format} listing: nothing lands outside the target`, async () => {
    await using dir = await tempDir();
    await using server = await serverFor(disabledCommands, true);
    await writeTree(dir.path, {
      "mirror/stale.txt": "deleted by sync, being extraneous",
      "sentinel.txt": "outside every target",
    });
    const report = await run(
      dir.path,
      server,
      `  - get: { from: evil, to: out-dir/ }
  - get: { from: "evil/**", to: out-glob/ }
  - sync: { direction: down, remote: evil, local: mirror, delete: true }
`,
    );
    assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error), null, 1));
    for (const step of report.steps) assertWarnedEach(step.warnings, step.name);
    const tree = await treeOf(dir.path);
    const expected = ["good.txt", "sub/", "sub/deep.txt"];
    assert.deepEqual(
      Object.keys(tree).sort(),
      [
        ...expected.map((p) => `mirror/${p}`),
        "mirror/",
        ...expected.map((p) => `out-dir/${p}`),
        "out-dir/",
        ...expected.map((p) => `out-glob/${p}`),
        "out-glob/",
        "sentinel.txt",
        "task.yaml",
      ].sort(),
    );
    assert.equal(await Deno.readTextFile(join(dir.path, "mirror/sub/deep.txt")), "deep!");
    assertStayedInside(server.commands);
    await assertOutsideUntouched(server);
  });

  Deno.test(`runner sync up with delete, rm with a glob, rmdir under a hostile ${format} listing: no delete outside`, async () => {
    await using dir = await tempDir();
    await using server = await serverFor(disabledCommands, false);
    await writeTree(dir.path, { "site/good.txt": "new good", "site/sub/deep.txt": "new deep" });
    const report = await run(
      dir.path,
      server,
      `  - sync: { direction: up, local: site, remote: evil, delete: true }
  - rm: "evil/**/*.txt"
  - { rmdir: evil, continueOnError: true }
`,
    );
    for (const step of report.steps) assertWarnedEach(step.warnings, step.name);
    assert.equal(report.steps[0].result, "ok", JSON.stringify(report.steps[0].error));
    assert.equal(report.steps[1].result, "ok", JSON.stringify(report.steps[1].error));
    assertStayedInside(server.commands);
    await assertOutsideUntouched(server);
    const deletes = server.commands.filter((c) => /^(DELE|RMD) /.test(c)).sort();
    assert.ok(
      deletes.every((c) => /^(DELE|RMD) evil\//.test(c) || c === "RMD evil"),
      deletes.join(),
    );
  });
}

Deno.test("a directory that contains itself for ever: the walk stops at its depth cap, with a warning", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "deep/loop/": "" });
  // Every directory under /deep claims to hold "loop" again (a server-side
  // symlink loop shown as a directory).
  server.faults.listing = (r) =>
    r.path.startsWith("/deep") ? ["type=dir;modify=20260102030405; loop"] : undefined;
  await using client = await FtpClient.connect({ port: server.port });
  const warnings: string[] = [];
  client.addEventListener("warning", (e) => warnings.push(e.message));
  let count = 0;
  let deepest = 0;
  // Bounded here too, so that a walk without its cap fails instead of hanging.
  for await (const entry of client.walk("deep")) {
    if (++count > 1000) break;
    deepest = Math.max(deepest, entry.depth);
  }
  assert.ok(count <= 257 && deepest <= 256, `${count} entries, ${deepest} levels`);
  assert.ok(warnings.some((w) => /deeper than 256 levels/.test(w)), warnings.join("\n"));

  // The runner plans the same walk: bounded, and everything under the target.
  const report = await run(dir.path, server, `  - get: { from: deep, to: out/ }\n`);
  assert.ok(report.steps[0].warnings.some((w) => /deeper than 256 levels/.test(w)));
  const tree = await treeOf(dir.path);
  assert.ok(Object.keys(tree).every((p) => p === "task.yaml" || p.startsWith("out/")));
});

Deno.test("a real symbolic link loop on the server: listed, never followed by the runner", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "tree/a/file.txt": "f" });
  await Deno.symlink("..", join(server.root, "tree/a/up"));
  await Deno.symlink(".", join(server.root, "tree/self"));
  const report = await run(
    dir.path,
    server,
    `  - get: { from: tree, to: out/ }\n  - sync: { direction: down, remote: tree, local: mirror }\n`,
  );
  assert.ok(report.ok, JSON.stringify(report.steps.map((s) => s.error)));
  for (const step of report.steps) {
    assert.ok(
      step.warnings.some((w) => /tree\/self: a symbolic link/.test(w)),
      step.warnings.join(),
    );
    assert.ok(step.warnings.some((w) => /tree\/a\/up: a symbolic link/.test(w)));
  }
  const tree = await treeOf(dir.path);
  assert.deepEqual(
    Object.keys(tree).filter((p) => p.endsWith(".txt")).sort(),
    ["mirror/a/file.txt", "out/a/file.txt"],
  );
});

Deno.test("a name holding CR from nlst() or a listing is refused before it reaches the wire", async () => {
  await using server = await FtpTestServer.start({ disabledCommands: ["MLSD", "MLST"] });
  await writeTree(server.root, { "victim.txt": "must survive", "d/x": "x" });
  const name = "evil\rDELE victim.txt";
  server.faults.listing = (r) =>
    r.verb === "NLST" ? [name, "evil\nDELE victim.txt"] : [entryLine("LIST", name, "file")];
  await using client = await FtpClient.connect({ port: server.port });
  const names = await client.nlst();
  assert.ok(names.includes(name), JSON.stringify(names));
  const [listed] = await client.list();
  assert.equal(listed.name, name);
  const before = server.commands.length;
  const calls: [string, () => Promise<unknown>][] = [
    ["remove", () => client.remove(name)],
    ["rename from", () => client.rename(name, "x")],
    ["rename to", () => client.rename("d/x", name)],
    ["size", () => client.size(name)],
    ["stat", () => client.stat(name)],
    ["cd", () => client.cd(name)],
    ["list", () => client.list(name)],
    ["download", () => client.download(name)],
    ["upload", () => client.upload(name, "x")],
    ["mkdir", () => client.mkdir(`a/${name}`, { recursive: true })],
    ["rmdir", () => client.rmdir(name, { recursive: true })],
    ["lastModified", () => client.lastModified(name)],
    ["send", () => client.send(`DELE ${name}`)],
  ];
  for (const [label, call] of calls) {
    const error = await call().catch((e) => e);
    assert.ok(error instanceof FtpInputError, `${label}: ${error}`);
  }
  assert.deepEqual(server.commands.slice(before), [], "nothing was sent");
  // The LF variant arrives as two names; the second is a (strange) file name, not a command.
  await client.remove("DELE victim.txt").catch(() => {});
  assert.ok(!server.commands.includes("DELE victim.txt"), server.commands.join("\n"));
  assert.equal(await Deno.readTextFile(join(server.root, "victim.txt")), "must survive");
  assert.equal(await client.pwd(), "/");
});
