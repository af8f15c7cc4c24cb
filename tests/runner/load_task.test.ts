// Loading task files in code: TypeScript modules, .env beside the file,
// credentials from a netrc file, and connection blocks mapped onto client
// options (TLS included, for when FTPS lands).

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTask, TaskFileError } from "../../src/runner/mod.ts";
import { tempDir } from "../_helpers.ts";

const MOD = fileURLToPath(new URL("../../src/runner/mod.ts", import.meta.url));

Deno.test("a TypeScript task module with defineTask loads like YAML", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "task.ts");
  await Deno.writeTextFile(
    file,
    `import { defineTask } from ${JSON.stringify(MOD)};
export default defineTask({
  version: 1,
  connection: { url: "ftp://127.0.0.1:2121", password: "\${PW:-fallback}" },
  steps: [{ put: { from: "dist", to: "www/" }, retries: 1 }],
});
`,
  );
  const task = await loadTask(file, { envFile: false });
  assert.equal(task.connection.options.password, "fallback");
  assert.deepEqual(task.secrets, ["fallback"]);
  assert.equal(task.steps[0].kind, "put");
  assert.equal(task.steps[0].retries, 1);

  await Deno.writeTextFile(join(dir.path, "bad.ts"), "export default { version: 2 };\n");
  const error = await loadTask(join(dir.path, "bad.ts")).catch((e) => e);
  assert.ok(error instanceof TaskFileError);
  assert.match(error.message, /bad\.ts: version: version must be 1/);
});

Deno.test("the .env beside the task, netrc credentials, and TLS options", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(join(dir.path, ".env"), "HOST_FROM_ENV=ftp.example.com\n");
  await Deno.writeTextFile(
    join(dir.path, "netrc"),
    "machine ftp.example.com login carol password c4r0l\n",
  );
  await Deno.writeTextFile(join(dir.path, "ca.pem"), "-----BEGIN CERTIFICATE-----\n");
  const file = join(dir.path, "t.yaml");
  await Deno.writeTextFile(
    file,
    `version: 1
connection:
  url: ftpes://\${HOST_FROM_ENV}/srv
  netrc: ./netrc
  tls: { caFile: ca.pem, verify: false }
  mode: active
  connectTimeout: 2.5s
steps: [{ mkdir: x }]
`,
  );
  const task = await loadTask(file);
  const o = task.connection.options;
  assert.equal(o.host, "ftp.example.com");
  assert.equal(o.secure, "explicit");
  assert.equal(o.port, 21);
  assert.equal(o.user, "carol");
  assert.equal(o.password, "c4r0l");
  assert.equal(o.path, "srv");
  assert.equal(o.transferMode, "active");
  assert.equal(o.connectTimeout, 2500);
  assert.deepEqual(o.tls, { verify: false, caCerts: ["-----BEGIN CERTIFICATE-----\n"] });
  assert.equal(task.connection.display, "ftpes://carol@ftp.example.com:21/srv");
  assert.ok(task.reads.files.some((f) => f.endsWith("/netrc")));

  const implicit = join(dir.path, "i.yaml");
  await Deno.writeTextFile(
    implicit,
    `version: 1\nconnection: { url: "ftps://h" }\nsteps: [{ mkdir: x }]\n`,
  );
  const t2 = await loadTask(implicit, { envFile: false });
  assert.equal(t2.connection.options.secure, "implicit");
  assert.equal(t2.connection.options.port, 990);
});

Deno.test("an unquoted ${VAR} in an inline list or map: one located issue saying to quote it", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "task.yaml");
  await Deno.writeTextFile(
    file,
    `version: 1
connection: { url: "ftp://127.0.0.1:2121" }
steps:
  - mkdir: [a, \${DIR}]
  - mkdir: "\${DIR}/b"
  - rm: [x, "\${DIR}"]
`,
  );
  const error = await loadTask(file, { envFile: false, env: { DIR: "d" } }).catch((e) => e);
  assert.ok(error instanceof TaskFileError, String(error));
  assert.deepEqual(error.issues.map((i) => [i.line, i.column]), [[4, 16]]);
  assert.match(error.issues[0].message, /^\$\{DIR\} inside an inline list or map must be quoted/);
  // Quoted, it loads.
  await Deno.writeTextFile(file, (await Deno.readTextFile(file)).replace("${DIR}]", '"${DIR}"]'));
  const task = await loadTask(file, { envFile: false, env: { DIR: "d" } });
  assert.deepEqual(task.steps.map((s) => s.kind === "mkdir" && s.paths), [
    ["a", "d"],
    ["d/b"],
    false,
  ]);
});

Deno.test("the watch block: durations in milliseconds, defaults filled in, bad values located", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "task.yaml");
  const write = (watch: string) =>
    Deno.writeTextFile(
      file,
      `version: 1\nconnection: { url: "ftp://127.0.0.1:2121" }\nsteps:\n  - mkdir: www\n${watch}`,
    );
  await write(`watch:\n  debounce: 500ms\n  keepAlive: \${KEEP}\n`);
  const task = await loadTask(file, { envFile: false, env: { KEEP: "20s" } });
  assert.deepEqual(task.watch, { debounceMs: 500, maxWaitMs: 5_000, keepAliveMs: 20_000 });
  await write("");
  assert.deepEqual((await loadTask(file, { envFile: false })).watch, {
    debounceMs: 300,
    maxWaitMs: 5_000,
    keepAliveMs: 30_000,
  });
  await write("watch: { maxWait: -1 }\n");
  const error = await loadTask(file, { envFile: false }).catch((e) => e);
  assert.ok(error instanceof TaskFileError);
  assert.match(error.message, /task\.yaml:5:\d+: watch\.maxWait: /);
});

Deno.test("connection.localAddress: an IP address becomes the client's localAddress; anything else is a located error", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "task.yaml");
  const write = (address: string) =>
    Deno.writeTextFile(
      file,
      `version: 1\nconnection:\n  url: ftp://127.0.0.1:2121\n  localAddress: "${address}"\n` +
        `steps: [{ mkdir: x }]\n`,
    );
  for (const good of ["127.0.0.2", "::1", "fe80::1"]) {
    await write(good);
    const task = await loadTask(file, { envFile: false });
    assert.equal(task.connection.options.localAddress, good);
  }
  for (const bad of ["localhost", "[::1]", "127.0.0.1:21", "10.0.0"]) {
    await write(bad);
    const error = await loadTask(file, { envFile: false }).catch((e) => e);
    assert.ok(error instanceof TaskFileError, `${bad}: ${error}`);
    assert.deepEqual(error.issues.map((i) => i.line), [4], bad);
    assert.match(error.message, /connection\.localAddress: must be an IP address of this machine/);
  }
});

Deno.test("connection.tls.minVersion and maxVersion reach the client's tls options; a bad or empty range is a located error", async () => {
  await using dir = await tempDir();
  const file = join(dir.path, "task.yaml");
  const write = (tls: string) =>
    Deno.writeTextFile(
      file,
      `version: 1\nconnection:\n  url: ftpes://127.0.0.1:2121\n  tls: ${tls}\nsteps: [{ mkdir: x }]\n`,
    );
  await write("{ minVersion: TLSv1.3 }");
  assert.deepEqual((await loadTask(file, { envFile: false })).connection.options.tls, {
    minVersion: "TLSv1.3",
  });
  await write("{ maxVersion: TLSv1.2 }");
  assert.deepEqual((await loadTask(file, { envFile: false })).connection.options.tls, {
    maxVersion: "TLSv1.2",
  });
  for (
    const [tls, message] of [
      ["{ minVersion: TLSv1.1 }", /connection\.tls\.minVersion: .*"TLSv1\.2".*"TLSv1\.3"/],
      [
        "{ minVersion: TLSv1.3, maxVersion: TLSv1.2 }",
        /connection\.tls\.minVersion: TLSv1\.3 is newer than maxVersion "TLSv1\.2"/,
      ],
    ] as const
  ) {
    await write(tls);
    const error = await loadTask(file, { envFile: false }).catch((e) => e);
    assert.ok(error instanceof TaskFileError, `${tls}: ${error}`);
    assert.match(error.message, message);
  }
});
