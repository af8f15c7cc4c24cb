// Dot-files in listings (issue 11, point 2). vsftpd, ProFTPD and Pure-FTPd
// leave names that start with a dot out of a plain LIST unless asked with
// `LIST -a`; other servers take `-a` for a file name. The embedded server
// plays both (`hideDotFiles`, `listOptions: false`), with MLSD off so that
// LIST is what the client uses. list(), listStream(), walk() and recursive
// rmdir see dot-files by default; a server that would read `-a` as a name
// is never misread; one that cannot be asked gets one warning; the
// `listHidden` option turns asking off.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, type FtpClientOptions } from "../../mod.ts";
import { FtpTestServer, type FtpTestServerOptions } from "../../src/testing/mod.ts";
import { writeTree } from "../cli/_ferry.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";
import { isRoot } from "../_servers/_common.ts";

const TREE = {
  "d/.hidden": "h",
  "d/plain": "p",
  "d/.config/app.ini": "x=1\n",
  "d/sub/.keep": "",
};

async function setUp(options: FtpTestServerOptions, client: FtpClientOptions = {}) {
  const server = await FtpTestServer.start({ disabledCommands: ["MLSD"], ...options });
  await writeTree(server.root, TREE);
  const warnings: string[] = [];
  const ftp = await FtpClient.connect({ ...client, port: server.port });
  ftp.addEventListener("warning", (event) => warnings.push(event.message));
  return {
    server,
    client: ftp,
    warnings,
    lists: () => server.commands.filter((c) => /^LIST\b/.test(c)),
    async [Symbol.asyncDispose]() {
      await ftp.close();
      await server.close();
    },
  };
}

const names = (entries: { name: string }[]) => entries.map((e) => e.name).sort();

Deno.test("a server that hides dot-files from LIST (as vsftpd does): list, listStream and walk see them, asking with -a", async () => {
  await using lab = await setUp({ hideDotFiles: true });
  assert.deepEqual(names(await lab.client.list("d")), [".config", ".hidden", "plain", "sub"]);
  const streamed = [];
  for await (const entry of await lab.client.listStream("d")) streamed.push(entry);
  assert.deepEqual(names(streamed), [".config", ".hidden", "plain", "sub"]);
  const walked = [];
  for await (const entry of lab.client.walk("d")) walked.push(entry.path);
  assert.deepEqual(walked.sort(), [
    "d/.config",
    "d/.config/app.ini",
    "d/.hidden",
    "d/plain",
    "d/sub",
    "d/sub/.keep",
  ]);
  // The first listing found out; every later one asks at once, one LIST each.
  assert.deepEqual(lab.lists(), [
    "LIST -a d",
    "LIST -a d",
    "LIST -a d",
    "LIST -a d/.config",
    "LIST -a d/sub",
  ]);
  assert.deepEqual(lab.warnings, []);
  assert.equal(lab.client.listingsMayMissDotFiles, false);
  // The current directory is named: a bare "LIST -a" lists a file "-a" on some servers.
  await lab.client.cd("d");
  assert.deepEqual(names(await lab.client.list()), [".config", ".hidden", "plain", "sub"]);
  assert.equal(lab.lists().at(-1), "LIST -a .");
});

Deno.test("recursive rmdir empties a directory holding dot-files on a server that hides them", async () => {
  await using lab = await setUp({ hideDotFiles: true });
  await lab.client.rmdir("d", { recursive: true });
  assert.deepEqual([...Deno.readDirSync(lab.server.root)], []);
});

Deno.test("listHidden: false lists as the server shows it, with a plain LIST", async () => {
  await using lab = await setUp({ hideDotFiles: true }, { listHidden: false });
  assert.deepEqual(names(await lab.client.list("d")), ["plain", "sub"]);
  assert.deepEqual(lab.lists(), ["LIST d"]);
  assert.equal(lab.client.listingsMayMissDotFiles, true);
});

Deno.test("a server that takes '-a d' for a name (a directory called '-a d' exists) is not misread; it gets one warning", async () => {
  await using lab = await setUp({ hideDotFiles: true, listOptions: false });
  await writeTree(lab.server.root, { "-a d/decoy": "not d's content", "-a ./decoy2": "" });
  assert.deepEqual(names(await lab.client.list("d")), ["plain", "sub"]);
  assert.deepEqual(names(await lab.client.list("d")), ["plain", "sub"]);
  assert.deepEqual(names(await lab.client.list()), ["-a .", "-a d", "d"]);
  // Asked once, then plain LIST only.
  assert.deepEqual(lab.lists(), ["LIST -a d", "LIST d", "LIST d", "LIST"]);
  assert.equal(lab.warnings.length, 1, lab.warnings.join("\n"));
  assert.match(lab.warnings[0], /does not take "LIST -a" \(it listed something else\)/);
  assert.match(lab.warnings[0], /leave out names that start with a dot/);
  assert.equal(lab.client.listingsMayMissDotFiles, true);
});

Deno.test("a server that refuses 'LIST -a d' (550, as pyftpdlib does) gets one warning and plain listings", async () => {
  await using lab = await setUp({ hideDotFiles: true, listOptions: false });
  assert.deepEqual(names(await lab.client.list("d")), ["plain", "sub"]);
  for await (const _ of lab.client.walk("d")) {
    // Lists d/sub with a plain LIST.
  }
  assert.deepEqual(lab.lists(), ["LIST -a d", "LIST d", "LIST d", "LIST d/sub"]);
  assert.equal(lab.warnings.length, 1, lab.warnings.join("\n"));
  assert.match(lab.warnings[0], /does not take "LIST -a" \(550 /);
});

Deno.test("a server that shows dot-files and ignores -a: one probe, then plain LIST; no warning", async () => {
  await using lab = await setUp({});
  assert.deepEqual(names(await lab.client.list("d")), [".config", ".hidden", "plain", "sub"]);
  assert.deepEqual(names(await lab.client.list("d/sub")), [".keep"]);
  assert.deepEqual(lab.lists(), ["LIST -a d", "LIST d", "LIST d/sub"]);
  assert.deepEqual(lab.warnings, []);
  assert.equal(lab.client.listingsMayMissDotFiles, false);
});

Deno.test("a server that ignores -a in directories without dot-files is asked again, at most 3 times", async () => {
  await using lab = await setUp({});
  await writeTree(lab.server.root, { "e/1/x": "", "e/2/x": "", "e/3/x": "", "e/4/x": "" });
  for (const dir of ["e/1", "e/2", "e/3", "e/4"]) {
    assert.deepEqual(names(await lab.client.list(dir)), ["x"]);
  }
  assert.deepEqual(lab.lists(), [
    "LIST -a e/1",
    "LIST e/1",
    "LIST -a e/2",
    "LIST e/2",
    "LIST -a e/3",
    "LIST e/3",
    "LIST e/4",
  ]);
  assert.deepEqual(lab.warnings, []);
  assert.equal(lab.client.listingsMayMissDotFiles, true);
});

Deno.test("a relative path that starts with '-' is listed as that directory, not read as options", async () => {
  await using lab = await setUp({ hideDotFiles: true });
  await writeTree(lab.server.root, { "-la/inside": "" });
  assert.deepEqual(names(await lab.client.list("-la")), ["inside"]);
  assert.deepEqual(lab.lists(), ["LIST -a ./-la"]);
  const plain = await setUp({ hideDotFiles: true }, { listHidden: false });
  await using _ = plain;
  await writeTree(plain.server.root, { "-la/inside": "" });
  assert.deepEqual(names(await plain.client.list("-la")), ["inside"]);
  assert.deepEqual(plain.lists(), ["LIST ./-la"]);
});

Deno.test("MLSD servers are not asked: dot-files come with MLSD", async () => {
  await using lab = await setUp({ hideDotFiles: true, disabledCommands: [] });
  assert.deepEqual(names(await lab.client.list("d")), [".config", ".hidden", "plain", "sub"]);
  assert.deepEqual(lab.lists(), []);
  assert.equal(lab.client.listingsMayMissDotFiles, false);
});

Deno.test("vsftpd: list and walk see dot-files; a file called '-a' does not confuse the probe", {
  ignore: vsftpd.ignore || !isRoot(),
}, async () => {
  await using server = await startVsftpd();
  await writeTree(server.dir, { ...TREE, "d/-a": "a file called -a" });
  await new Deno.Command("chmod", { args: ["-R", "a+rwX", server.dir] }).output();
  const warnings: string[] = [];
  await using client = await FtpClient.connect(server.url);
  client.addEventListener("warning", (event) => warnings.push(event.message));
  assert.deepEqual(names(await client.list("d")), ["-a", ".config", ".hidden", "plain", "sub"]);
  await client.cd("d");
  assert.deepEqual(names(await client.list()), ["-a", ".config", ".hidden", "plain", "sub"]);
  const walked = [];
  for await (const entry of client.walk("/pub/d")) walked.push(entry.path);
  assert.deepEqual(walked.sort(), [
    "/pub/d/-a",
    "/pub/d/.config",
    "/pub/d/.config/app.ini",
    "/pub/d/.hidden",
    "/pub/d/plain",
    "/pub/d/sub",
    "/pub/d/sub/.keep",
  ]);
  assert.deepEqual(warnings, []);
  assert.equal(client.listingsMayMissDotFiles, false);
  // Without asking, vsftpd hides them: the setting is what makes the difference.
  await using plain = await FtpClient.connect({ ...urlOptions(server.url), listHidden: false });
  assert.deepEqual(names(await plain.list("d")), ["-a", "plain", "sub"]);
  await client.cd("/pub");
  await client.rmdir("d", { recursive: true });
  assert.deepEqual([...Deno.readDirSync(join(server.dir))], []);
});

function urlOptions(url: string): FtpClientOptions {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port), path: parsed.pathname };
}
