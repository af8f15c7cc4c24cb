// The embedded server's checksum commands (for the verify step's tests):
// HASH with OPTS HASH, and the X commands, each giving the checksum of the
// file on its disk; off by default, and listed in FEAT only when on.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { crc32 } from "node:zlib";
import { join } from "node:path";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { pseudoRandomBytes } from "../_helpers.ts";
import { Wire } from "./_wire.ts";

const digest = (name: string, bytes: Uint8Array) => createHash(name).update(bytes).digest("hex");

Deno.test("HASH and XSHA256/XSHA512/XSHA1/XMD5/XCRC answer the checksum of the file on disk", async () => {
  await using server = await FtpTestServer.start({ hashCommands: true });
  const bytes = pseudoRandomBytes(300_000, 41);
  await Deno.mkdir(join(server.root, "dir"));
  await Deno.writeFile(join(server.root, "dir/my file.bin"), bytes);
  using wire = await Wire.login(server);
  const feat = (await wire.expect("FEAT", 211)).lines;
  for (const line of [" HASH SHA-256*;SHA-512;SHA-1;MD5;CRC32;", " XCRC", " XMD5", " XSHA256"]) {
    assert.ok(feat.includes(line), `${line} in ${feat.join("|")}`);
  }
  const sha256 = digest("sha256", bytes);
  assert.deepEqual((await wire.expect("HASH dir/my file.bin", 213)).lines, [
    `213 SHA-256 0-300000 ${sha256} dir/my file.bin`,
  ]);
  assert.deepEqual((await wire.expect("OPTS HASH", 200)).lines, ["200 SHA-256"]);
  await wire.expect("OPTS HASH md5", 200);
  assert.match(
    (await wire.expect("FEAT", 211)).lines.join("|"),
    /HASH SHA-256;SHA-512;SHA-1;MD5\*;/,
  );
  assert.deepEqual((await wire.expect("HASH dir/my file.bin", 213)).lines, [
    `213 MD5 0-300000 ${digest("md5", bytes)} dir/my file.bin`,
  ]);
  await wire.expect("OPTS HASH SHA-3", 501);
  const x = async (command: string) => (await wire.expect(command, 250)).lines[0].slice(4);
  assert.equal(await x(`XSHA256 "dir/my file.bin"`), sha256.toUpperCase());
  assert.equal(await x('XSHA512 "dir/my file.bin"'), digest("sha512", bytes).toUpperCase());
  assert.equal(await x('XSHA1 "dir/my file.bin"'), digest("sha1", bytes).toUpperCase());
  assert.equal(await x('XMD5 "dir/my file.bin"'), digest("md5", bytes).toUpperCase());
  assert.equal(
    await x('XCRC "dir/my file.bin"'),
    crc32(bytes).toString(16).padStart(8, "0").toUpperCase(),
  );
  await wire.expect("HASH dir", 553);
  await wire.expect("HASH missing.bin", 550);
});

Deno.test("checksum commands are off by default and can be switched off one by one", async () => {
  await using plain = await FtpTestServer.start();
  await Deno.writeTextFile(join(plain.root, "a.txt"), "a");
  using wire = await Wire.login(plain);
  assert.ok(!(await wire.expect("FEAT", 211)).lines.some((l) => /HASH|XSHA|XMD5|XCRC/.test(l)));
  for (const command of ["HASH a.txt", "XSHA256 a.txt", "XCRC a.txt", "OPTS HASH"]) {
    await wire.expect(command, 502);
  }
  await using some = await FtpTestServer.start({
    hashCommands: true,
    disabledCommands: ["HASH", "XSHA256"],
  });
  using wire2 = await Wire.login(some);
  const feat = (await wire2.expect("FEAT", 211)).lines.join("|");
  assert.ok(!feat.includes("HASH") && !feat.includes("XSHA256") && feat.includes("XSHA1"), feat);
  await wire2.expect("HASH a.txt", 502);
});
