import assert from "node:assert/strict";
import { FtpClient, FtpInputError, FtpPermanentError, FtpUnsupportedError } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";

async function setup(options: Parameters<typeof FtpTestServer.start>[0] = {}) {
  const server = await FtpTestServer.start(options);
  const client = await FtpClient.connect({ port: server.port });
  return {
    server,
    client,
    async [Symbol.asyncDispose]() {
      await client.close();
      await server.close();
    },
  };
}

Deno.test("pwd, cd, cdup", async () => {
  await using t = await setup();
  await Deno.mkdir(`${t.server.root}/a/b`, { recursive: true });
  await t.client.cd("a/b");
  assert.equal(await t.client.pwd(), "/a/b");
  await t.client.cdup();
  assert.equal(await t.client.pwd(), "/a");
  const error = await t.client.cd("missing").catch((e) => e);
  assert.ok(error instanceof FtpPermanentError);
  assert.equal(error.code, 550);
  assert.equal(error.command, "CWD missing");
  assert.equal(await t.client.pwd(), "/a", "a failed cd leaves the directory as it was");
});

Deno.test("mkdir, recursive mkdir over existing levels, rmdir", async () => {
  await using t = await setup();
  await t.client.mkdir("one");
  assert.ok((await Deno.stat(`${t.server.root}/one`)).isDirectory);
  await assert.rejects(t.client.mkdir("x/y"), FtpPermanentError);
  await t.client.mkdir("one/two/three", { recursive: true });
  await t.client.mkdir("/one/two/three/four", { recursive: true });
  await t.client.mkdir("one/two", { recursive: true }); // existing: not an error
  assert.ok((await Deno.stat(`${t.server.root}/one/two/three/four`)).isDirectory);
  assert.equal(await t.client.pwd(), "/", "recursive mkdir returns to where it started");
  await t.client.rmdir("one/two/three/four");
  await assert.rejects(t.client.rmdir("one"), FtpPermanentError, "not empty");
});

Deno.test("recursive mkdir fails clearly when a level is a file", async () => {
  await using t = await setup();
  await Deno.writeTextFile(`${t.server.root}/file`, "x");
  const error = await t.client.mkdir("file/sub", { recursive: true }).catch((e) => e);
  assert.ok(error instanceof FtpPermanentError);
  assert.equal(error.command, "MKD file");
  assert.equal(await t.client.pwd(), "/");
});

Deno.test("recursive rmdir removes files, subdirectories, symlinks (not their targets) and spaced names", async () => {
  await using t = await setup();
  const root = t.server.root;
  await Deno.mkdir(`${root}/keep`);
  await Deno.writeTextFile(`${root}/keep/precious.txt`, "do not delete");
  await Deno.mkdir(`${root}/tree/sub dir/deeper`, { recursive: true });
  await Deno.writeTextFile(`${root}/tree/ lead and trail `, "1");
  await Deno.writeTextFile(`${root}/tree/sub dir/Grüße.txt`, "2");
  await Deno.writeTextFile(`${root}/tree/sub dir/deeper/.hidden`, "3");
  await Deno.symlink(`${root}/keep`, `${root}/tree/link-to-keep`);
  for (const transferMode of ["passive", "active"] as const) {
    t.client.transferMode = transferMode;
    await t.client.rmdir("tree", { recursive: true });
    await assert.rejects(Deno.stat(`${root}/tree`), Deno.errors.NotFound);
    assert.equal(await Deno.readTextFile(`${root}/keep/precious.txt`), "do not delete");
    await Deno.mkdir(`${root}/tree/x`, { recursive: true });
  }
});

Deno.test("remove, rename, size, lastModified, setLastModified", async () => {
  await using t = await setup();
  const root = t.server.root;
  await Deno.writeFile(`${root}/data.bin`, new Uint8Array(12345));
  assert.equal(await t.client.size("data.bin"), 12345);
  await t.client.setLastModified("data.bin", new Date("2020-02-29T12:34:56Z"));
  assert.equal((await t.client.lastModified("data.bin")).toISOString(), "2020-02-29T12:34:56.000Z");
  assert.equal(
    (await Deno.stat(`${root}/data.bin`)).mtime?.toISOString(),
    "2020-02-29T12:34:56.000Z",
  );
  await t.client.rename("data.bin", "renamed file.bin");
  assert.equal((await Deno.stat(`${root}/renamed file.bin`)).size, 12345);
  await t.client.remove("renamed file.bin");
  await assert.rejects(Deno.stat(`${root}/renamed file.bin`), Deno.errors.NotFound);
  const error = await t.client.size("renamed file.bin").catch((e) => e);
  assert.ok(error instanceof FtpPermanentError);
  assert.equal(error.code, 550);
});

Deno.test("setLastModified without MFMT gives FtpUnsupportedError and sends nothing", async () => {
  await using t = await setup({ disabledCommands: ["MFMT"] });
  await Deno.writeTextFile(`${t.server.root}/a`, "x");
  const before = t.server.commands.length;
  await assert.rejects(t.client.setLastModified("a", new Date()), FtpUnsupportedError);
  assert.equal(t.server.commands.length, before);
});

Deno.test("list uses MLSD when offered and LIST otherwise, with the same entries", async () => {
  for (const disabledCommands of [[], ["MLSD", "MLST"]]) {
    await using t = await setup({ disabledCommands });
    const root = t.server.root;
    await Deno.mkdir(`${root}/dir`);
    await Deno.writeFile(`${root}/dir/file one.txt`, new Uint8Array(10));
    await Deno.mkdir(`${root}/dir/sub`);
    await Deno.writeFile(`${root}/dir/東京.txt`, new Uint8Array(3));
    await Deno.symlink("file one.txt", `${root}/dir/link`);
    const seen: string[] = [];
    t.client.addEventListener("listInfo", (e) => seen.push(e.entry.name));
    const entries = (await t.client.list("dir")).sort((a, b) => a.name.localeCompare(b.name));
    const summary = entries.map((e) => [e.name, e.type, e.type === "file" ? e.size : undefined]);
    assert.deepEqual(summary, [
      ["file one.txt", "file", 10],
      ["link", "symlink", undefined],
      ["sub", "directory", undefined],
      ["東京.txt", "file", 3],
    ], `disabled: ${disabledCommands}`);
    assert.deepEqual(seen.sort(), entries.map((e) => e.name).sort());
    const verb = disabledCommands.length ? "LIST dir" : "MLSD dir";
    assert.ok(t.server.commands.includes(verb), verb);
    assert.ok(entries.every((e) => e.modified instanceof Date));
  }
});

Deno.test("nlst returns bare names; stat reports one entry", async () => {
  await using t = await setup();
  await Deno.writeFile(`${t.server.root}/a.txt`, new Uint8Array(7));
  await Deno.mkdir(`${t.server.root}/d`);
  assert.deepEqual((await t.client.nlst()).sort(), ["a.txt", "d"]);
  const file = await t.client.stat("a.txt");
  assert.equal(file.name, "a.txt");
  assert.equal(file.type, "file");
  assert.equal(file.size, 7);
  assert.equal((await t.client.stat("/d")).type, "directory");
  await assert.rejects(t.client.stat("nope"), FtpPermanentError);
});

Deno.test("stat falls back to SIZE and MDTM without MLST", async () => {
  await using t = await setup({ disabledCommands: ["MLST", "MLSD"] });
  await Deno.writeFile(`${t.server.root}/a.txt`, new Uint8Array(7));
  await Deno.mkdir(`${t.server.root}/d`);
  const file = await t.client.stat("a.txt");
  assert.equal(file.size, 7);
  assert.ok(file.modified instanceof Date);
  assert.equal((await t.client.stat("d")).type, "directory");
  assert.equal(await t.client.pwd(), "/");
});

Deno.test("send returns 4xx/5xx replies instead of throwing; site and noop", async () => {
  await using t = await setup();
  const reply = await t.client.send("XYZZY");
  assert.ok(reply.code >= 500 && reply.code < 600);
  const syst = await t.client.send("SYST");
  assert.equal(syst.code, 215);
  await t.client.noop();
  await Deno.writeTextFile(`${t.server.root}/f`, "x");
  await t.client.site("CHMOD 600 f");
  assert.equal((await Deno.stat(`${t.server.root}/f`)).mode! & 0o777, 0o600);
  await assert.rejects(t.client.site("NOSUCHTHING"), FtpPermanentError);
});

Deno.test("CR, LF or NUL in a path or command is refused before anything is sent", async () => {
  await using t = await setup();
  const before = [...t.server.commands];
  const attempts = [
    t.client.remove("a\r\nDELE b"),
    t.client.cd("x\ny"),
    t.client.mkdir("a\0b", { recursive: true }),
    t.client.rename("ok", "bad\r\nRMD /"),
    t.client.download("a\rb"),
    t.client.upload("a\nb", "data"),
    t.client.send("NOOP\r\nDELE x"),
    t.client.list("a\nb"),
  ];
  for (const attempt of attempts) {
    const error = await attempt.catch((e) => e);
    assert.ok(error instanceof FtpInputError, String(error));
    assert.equal((attempt as { id: number }).id, 0, "never queued");
  }
  assert.deepEqual(t.server.commands, before);
  await t.client.noop(); // still usable
});

Deno.test("bad transfer options are refused before anything is sent", async () => {
  await using t = await setup();
  const before = t.server.commands.length;
  await assert.rejects(t.client.download("a", { offset: -1 }), FtpInputError);
  await assert.rejects(t.client.download("a", { offset: 1.5 }), FtpInputError);
  // deno-lint-ignore no-explicit-any
  await assert.rejects(t.client.download("a", { type: "ebcdic" as any }), FtpInputError);
  await assert.rejects(t.client.upload("a", "x", { append: true, offset: 3 }), FtpInputError);
  assert.equal(t.server.commands.length, before);
});
