// The chmod step (issue 16, point 1): SITE CHMOD on remote files, lists and
// globs. Modes are checked before anything is sent; each change is a line of
// the output and an action of the report; a re-run changes nothing; a
// server without SITE CHMOD gets one clear error, not one per file. Against
// the embedded server and the real ones, with the modes read on the
// server's disk.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { ensureTestUser, isRoot, testPassword } from "../_servers/_common.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";
import { tempDir } from "../_helpers.ts";
import { CLI_OWN_MODULES, ferry, reportOf, writeServerTask, writeTree } from "./_ferry.ts";
import { lab } from "./_lab.ts";

/** A file's permission bits on disk, as octal digits. */
async function modeOf(path: string): Promise<string> {
  return ((await Deno.stat(path)).mode! & 0o7777).toString(8);
}

async function setModes(root: string, modes: Record<string, number>): Promise<void> {
  for (const [rel, mode] of Object.entries(modes)) await Deno.chmod(join(root, rel), mode);
}

const SITE_FILES = {
  "www/cgi-bin/a.cgi": "#!/bin/sh\n",
  "www/cgi-bin/b.cgi": "#!/bin/sh\n",
  "www/cgi-bin/readme.txt": "not a script\n",
  "www/private/key.txt": "secret\n",
  "www/upload/": "",
};

const CHMOD_STEPS = `  - chmod: { path: "www/cgi-bin/*.cgi", mode: "755" }
  - { name: lock down, chmod: { path: [www/private/key.txt, www/upload], mode: "0700" } }
`;

Deno.test("chmod: a glob and a list get their modes; plan changes nothing; a re-run sends nothing", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, SITE_FILES);
  await setModes(server.root, {
    "www/cgi-bin/a.cgi": 0o644,
    "www/cgi-bin/b.cgi": 0o600,
    "www/cgi-bin/readme.txt": 0o644,
    "www/private/key.txt": 0o644,
    "www/upload": 0o755,
  });
  const task = await writeServerTask(dir.path, `url: "${server.url}"`, CHMOD_STEPS);

  const check = await ferry(["check", task], { cwd: dir.path });
  assert.equal(check.code, 0, check.stderr);
  assert.match(check.stdout, /step 1: chmod www\/cgi-bin\/\*\.cgi 755\n/);
  assert.match(check.stdout, /step 2: lock down \(chmod\)\n/);

  const plan = await ferry(["plan", task], { cwd: dir.path });
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /plan: chmod 2\n/);
  assert.match(plan.stdout, /\* chmod www\/cgi-bin\/a\.cgi \(644 → 755\)/);
  assert.match(plan.stdout, /\* chmod www\/cgi-bin\/b\.cgi \(600 → 755\)/);
  assert.equal(await modeOf(join(server.root, "www/cgi-bin/a.cgi")), "644");
  assert.ok(!server.commands.some((c) => c.startsWith("SITE")), "a dry run sends no SITE");

  const run = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const report = reportOf(run);
  assert.deepEqual(report.steps.map((s) => [s.kind, s.result]), [["chmod", "ok"], ["chmod", "ok"]]);
  const changed = report.steps.flatMap((s) =>
    s.actions.map((a) => [a.action, a.path, a.result, a.reason])
  );
  assert.deepEqual(changed, [
    ["chmod", "www/cgi-bin/a.cgi", "ok", "644 → 755"],
    ["chmod", "www/cgi-bin/b.cgi", "ok", "600 → 755"],
    ["chmod", "www/private/key.txt", "ok", "644 → 700"],
    ["chmod", "www/upload", "ok", "755 → 700"],
  ]);
  assert.deepEqual(report.totals, { transferred: 0, skipped: 0, failed: 0, changed: 4, bytes: 0 });
  assert.equal(await modeOf(join(server.root, "www/cgi-bin/a.cgi")), "755");
  assert.equal(await modeOf(join(server.root, "www/cgi-bin/b.cgi")), "755");
  assert.equal(await modeOf(join(server.root, "www/cgi-bin/readme.txt")), "644");
  assert.equal(await modeOf(join(server.root, "www/private/key.txt")), "700");
  assert.equal(await modeOf(join(server.root, "www/upload")), "700");
  const sent = server.commands.filter((c) => c.startsWith("SITE CHMOD"));
  assert.deepEqual(sent.sort(), [
    "SITE CHMOD 0700 www/private/key.txt",
    "SITE CHMOD 0700 www/upload",
    "SITE CHMOD 755 www/cgi-bin/a.cgi",
    "SITE CHMOD 755 www/cgi-bin/b.cgi",
  ]);

  const human = await ferry(["run", task], { cwd: dir.path });
  assert.equal(human.code, 0, human.stdout + human.stderr);
  assert.match(human.stdout, /plan: up to date 2\n/);
  assert.match(human.stdout, /0 other changes, 4 up to date, 0 failed/);
  assert.equal(server.commands.filter((c) => c.startsWith("SITE CHMOD")).length, 4);
});

Deno.test("chmod: a mode that is not 3 or 4 octal digits is refused before anything is sent", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "a.cgi": "x" });
  for (const mode of [`"75"`, `"789"`, `"07555"`, `"u+x"`, `"755 "`, `""`, "755", "0755"]) {
    const task = await writeServerTask(
      dir.path,
      `url: "${server.url}"`,
      `  - chmod: { path: a.cgi, mode: ${mode} }\n`,
    );
    for (const command of ["check", "run"]) {
      const result = await ferry([command, task], { cwd: dir.path });
      assert.equal(result.code, 2, `${command} ${mode}: ${result.stdout}${result.stderr}`);
      assert.match(
        result.stderr,
        /task\.yaml:4:\d+: steps\[0\]\.chmod\.mode: .*3 or 4 octal digits.*"755"/,
        `${command} ${mode}`,
      );
    }
  }
  assert.deepEqual(server.commands, [], "nothing reached the server");
});

for (
  const [what, reply] of [
    ["502 (SITE switched off)", undefined],
    ["500 Unknown SITE command", "500 Unknown SITE command.\r\n"],
    ["550 naming SITE CHMOD", "550 SITE CHMOD is not available on this server\r\n"],
  ] as const
) {
  Deno.test(`chmod: a server without SITE CHMOD (${what}) gets one clear error`, async () => {
    await using dir = await tempDir();
    await using server = await FtpTestServer.start({
      disabledCommands: reply === undefined ? ["SITE"] : [],
      faults: {
        onCommand: (c) => c.verb === "SITE" && reply !== undefined ? { reply } : undefined,
      },
    });
    await writeTree(server.root, { "a.cgi": "a", "b.cgi": "b", "c.cgi": "c" });
    await setModes(server.root, { "a.cgi": 0o644, "b.cgi": 0o644, "c.cgi": 0o644 });
    const task = await writeServerTask(
      dir.path,
      `url: "${server.url}"`,
      `  - chmod: { path: "*.cgi", mode: "755" }\n`,
    );
    const json = await ferry(["run", task, "--json"], { cwd: dir.path });
    assert.equal(json.code, 1, json.stdout + json.stderr);
    const step = reportOf(json).steps[0];
    assert.equal(step.result, "failed");
    const failed = step.actions.filter((a) => a.result === "failed");
    assert.equal(failed.length, 1, JSON.stringify(step.actions));
    assert.equal(failed[0].error?.name, "FtpUnsupportedError");
    assert.match(failed[0].error!.message, /does not support SITE CHMOD/);
    assert.deepEqual(step.actions.filter((a) => a.result !== "failed").map((a) => a.result), [
      "cancelled",
      "cancelled",
    ]);
    assert.equal(server.commands.filter((c) => c.startsWith("SITE")).length, 1);
    for (const name of ["a.cgi", "b.cgi", "c.cgi"]) {
      assert.equal(await modeOf(join(server.root, name)), "644");
    }
    const human = await ferry(["run", task], { cwd: dir.path });
    assert.equal(human.code, 1);
    assert.equal(human.stdout.match(/FAILED/g)?.length, 1, human.stdout);
    assert.match(human.stdout, /FAILED: .*does not support SITE CHMOD/);
  });
}

Deno.test("chmod: a missing path fails the step; a glob that matches nothing is skipped", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(server.root, { "www/index.html": "x" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - { chmod: { path: "www/*.cgi", mode: "755" }, continueOnError: true }
  - chmod: { path: www/missing.cgi, mode: "755" }
`,
  );
  const result = await ferry(["run", task, "--json"], { cwd: dir.path });
  assert.equal(result.code, 1);
  const [glob, missing] = reportOf(result).steps;
  assert.deepEqual(glob.actions.map((a) => [a.action, a.result, a.reason]), [
    ["skip", "skipped", "nothing matches"],
  ]);
  assert.equal(missing.error?.name, "PlanError");
  assert.match(missing.error!.message, /www\/missing\.cgi does not exist on the server/);
});

Deno.test("chmod after a put in one dry run: the planned files are named", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  await writeTree(dir.path, { "cgi/run.cgi": "#!/bin/sh\n" });
  const task = await writeServerTask(
    dir.path,
    `url: "${server.url}"`,
    `  - put: { from: "cgi/*.cgi", to: www/cgi-bin/ }
  - chmod: { path: "www/cgi-bin/*.cgi", mode: "755" }
`,
  );
  const plan = await ferry(["plan", task], { cwd: dir.path });
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /\* chmod www\/cgi-bin\/run\.cgi \(created by an earlier step\)/);
  const run = await ferry(["run", task], { cwd: dir.path });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(await modeOf(join(server.root, "www/cgi-bin/run.cgi")), "755");
});

Deno.test("chmod reads and writes nothing locally: ferry permissions names only the task", async () => {
  await using dir = await tempDir();
  const task = await writeServerTask(
    dir.path,
    `url: "ftp://127.0.0.1:2121/", netrc: false`,
    `  - chmod: { path: "www/*.cgi", mode: "755" }\n`,
  );
  const result = await ferry(["permissions", task, "--no-env-file"], { cwd: dir.path });
  assert.equal(result.code, 0, result.stderr);
  // The paths come sorted, so where the checkout lies decides the order.
  const read = [task, CLI_OWN_MODULES].sort().join(",");
  assert.equal(result.stdout.trim(), `--allow-net=127.0.0.1 --allow-read=${read}`);
});

Deno.test("the JSON Schema describes the chmod step", async () => {
  const schema = JSON.parse(
    await Deno.readTextFile(new URL("../../schema/task.schema.json", import.meta.url)),
  );
  const step = schema.properties.steps.items.anyOf.find((s: { required: string[] }) =>
    s.required.includes("chmod")
  );
  assert.ok(step, "no chmod step in schema/task.schema.json");
  assert.deepEqual(step.properties.chmod.required, ["path", "mode"]);
  assert.equal(step.properties.chmod.properties.mode.pattern, "^[0-7]{3,4}$");
});

/** Runs the chmod task against a real server's directory and checks the modes on its disk. */
async function chmodOnDisk(url: string, root: string, env: Record<string, string>, owner?: string) {
  await using dir = await tempDir();
  await writeTree(root, SITE_FILES);
  if (owner !== undefined) {
    // SITE CHMOD needs the file's owner: the session's user.
    await new Deno.Command("chown", { args: ["-R", `${owner}:`, root] }).output();
  }
  await setModes(root, {
    "www/cgi-bin/a.cgi": 0o644,
    "www/cgi-bin/b.cgi": 0o600,
    "www/cgi-bin/readme.txt": 0o644,
    "www/private/key.txt": 0o644,
    "www/upload": 0o755,
  });
  const task = await writeServerTask(
    dir.path,
    `url: "${url}", password: "\${FTP_PASSWORD}"`,
    CHMOD_STEPS,
  );
  const run = await ferry(["run", task, "--json"], { cwd: dir.path, env });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const actions = reportOf(run).steps.flatMap((s) => s.actions);
  assert.deepEqual(
    actions.map((a) => [a.action, a.path, a.result]),
    [
      ["chmod", "www/cgi-bin/a.cgi", "ok"],
      ["chmod", "www/cgi-bin/b.cgi", "ok"],
      ["chmod", "www/private/key.txt", "ok"],
      ["chmod", "www/upload", "ok"],
    ],
  );
  assert.equal(await modeOf(join(root, "www/cgi-bin/a.cgi")), "755");
  assert.equal(await modeOf(join(root, "www/cgi-bin/b.cgi")), "755");
  assert.equal(await modeOf(join(root, "www/cgi-bin/readme.txt")), "644");
  assert.equal(await modeOf(join(root, "www/private/key.txt")), "700");
  assert.equal(await modeOf(join(root, "www/upload")), "700");
  const rerun = await ferry(["run", task, "--json"], { cwd: dir.path, env });
  assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
  return reportOf(rerun);
}

Deno.test(
  "vsftpd (a local user, chmod_enable's default): chmod sets the modes on the server's disk",
  { ignore: vsftpd.ignore || !isRoot() },
  async () => {
    const user = await ensureTestUser();
    await using server = await startVsftpd({
      localUser: user.name,
      config: { anonymous_enable: "NO" },
    });
    const url = `ftp://${user.name}@127.0.0.1:${server.port}`;
    const rerun = await chmodOnDisk(url, server.dir, { FTP_PASSWORD: testPassword() }, user.name);
    // vsftpd lists the modes (LIST), so the re-run knows they are set.
    assert.equal(rerun.totals.changed, 0, JSON.stringify(rerun.totals));
    assert.equal(rerun.totals.skipped, 4);
  },
);

Deno.test(
  "vsftpd refuses SITE CHMOD to anonymous users: reported as the refusal it is",
  { ignore: vsftpd.ignore || !isRoot() },
  async () => {
    await using dir = await tempDir();
    await using server = await startVsftpd();
    await writeTree(server.dir, { "a.cgi": "a" });
    await Deno.chmod(join(server.dir, "a.cgi"), 0o644);
    const url = server.url.replace("ftp://", "ftp://anonymous@");
    const task = await writeServerTask(
      dir.path,
      `url: "${url}"`,
      `  - chmod: { path: a.cgi, mode: "755" }\n`,
    );
    const run = await ferry(["run", task, "--json"], { cwd: dir.path });
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const error = reportOf(run).steps[0].actions[0].error;
    assert.equal(error?.name, "FtpPermanentError");
    assert.equal(error?.code, 550);
    assert.equal(await modeOf(join(server.dir, "a.cgi")), "644");
  },
);

for (const spec of lab("pure-ftpd", "proftpd", "pyftpdlib")) {
  Deno.test(
    `${spec.name}: chmod sets the modes on the server's disk`,
    { ignore: spec.ignore },
    async () => {
      await using server = await spec.start();
      await server.settle();
      const owner = spec.name === "pyftpdlib" ? undefined : new URL(server.url).username;
      const rerun = await chmodOnDisk(server.url, server.dir, server.env, owner);
      // The re-run is up to date where the listing gives modes (MLSD UNIX.mode).
      if (spec.name !== "pyftpdlib") assert.equal(rerun.totals.changed, 0);
    },
  );
}
