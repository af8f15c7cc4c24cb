// file: URLs as local paths (downloadTo, uploadFrom): the client converts them
// without node:url (loading it slowed every start), so the conversion must
// give what node:url's fileURLToPath gives, and refuse what it refuses.

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FtpClient } from "../../mod.ts";
import { fileUrlPath } from "../../src/client/_local_file.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { sha256File, tempDir } from "../_helpers.ts";

const POSIX_URLS = [
  "file:///tmp/a.txt",
  "file:///tmp/with%20space/%C3%A9t%C3%A9.txt",
  "file://localhost/etc/hosts",
  "file:///a/b/../c/./d",
  "file:///dir/",
  "file:///percent%25sign",
  "file:///a%5Cb",
  "file:///a/%2F/b",
  "file:///a/%2f",
  "file://server/share/x",
  "file:///C:/x",
];

Deno.test("fileUrlPath gives node:url's fileURLToPath paths and refusals (POSIX)", () => {
  for (const href of POSIX_URLS) {
    const url = new URL(href);
    let expected: string | Error;
    try {
      expected = fileURLToPath(url);
    } catch (error) {
      expected = error as Error;
    }
    if (expected instanceof Error) {
      assert.throws(() => fileUrlPath(url, false), TypeError, href);
      assert.ok(expected instanceof TypeError, href);
    } else {
      assert.equal(fileUrlPath(url, false), expected, href);
    }
  }
});

Deno.test("fileUrlPath follows node:url's Windows rules: drive letters, UNC, no encoded separators", () => {
  const path = (href: string) => fileUrlPath(new URL(href), true);
  assert.equal(path("file:///C:/Users/a%20b/x.txt"), "C:\\Users\\a b\\x.txt");
  assert.equal(path("file:///c:/"), "c:\\");
  assert.equal(path("file://server/share/dir/x.txt"), "\\\\server\\share\\dir\\x.txt");
  assert.equal(path("file://localhost/C:/x"), "C:\\x");
  assert.throws(() => path("file:///no/drive"), TypeError);
  assert.throws(() => path("file:///C:/a%2Fb"), TypeError);
  assert.throws(() => path("file:///C:/a%5cb"), TypeError);
});

Deno.test("upload from and downloadTo file: URLs move the bytes intact (a name with a space and é)", async () => {
  await using dir = await tempDir();
  await using server = await FtpTestServer.start();
  const source = join(dir.path, "from here é.bin");
  const bytes = crypto.getRandomValues(new Uint8Array(60_000));
  await Deno.writeFile(source, bytes);
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}/`);
  await client.upload("up.bin", pathToFileURL(source));
  const target = join(dir.path, "to there é.bin");
  await client.downloadTo("up.bin", pathToFileURL(target));
  assert.equal(await sha256File(target), await sha256File(source));
  await assert.rejects(
    client.downloadTo("up.bin", new URL("file:///tmp/a%2Fb")),
    TypeError,
  );
  assert.equal(await sha256File(target), await sha256File(source));
});
