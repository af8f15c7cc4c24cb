/**
 * Real FTP clients against the embedded server: curl, lftp and Python's
 * ftplib list, download and upload, passive and active, bytes compared by
 * SHA-256.
 */

import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { peer, runPeer } from "../_peers.ts";
import { pattern, sha256, utf8 } from "./_wire.ts";

const curl = peer("curl");
const lftp = peer("lftp");
const python = peer("python3");

const SPACED_DIR = "sub dir";
const ODD_NAME = "Ünïcødé ñame with space.txt";
const BLOB = pattern(1_500_000, 21);
const ODD_BODY = utf8("odd name content, ünïcødé inside\n");
/** Peers run with a UTF-8 locale so they do not transcode names. */
const ENV = { LC_ALL: "C.UTF-8", LANG: "C.UTF-8", HOME: Deno.env.get("HOME") ?? "/tmp" };

async function fixture(): Promise<{ server: FtpTestServer; local: string } & AsyncDisposable> {
  const server = await FtpTestServer.start({ dataTimeoutMs: 10_000 });
  await Deno.writeFile(`${server.root}/blob.bin`, BLOB);
  await Deno.writeTextFile(`${server.root}/hello.txt`, "hello\nworld\n");
  await Deno.mkdir(`${server.root}/${SPACED_DIR}`);
  await Deno.writeFile(`${server.root}/${SPACED_DIR}/${ODD_NAME}`, ODD_BODY);
  const local = await Deno.makeTempDir({ prefix: "ferry-peer-" });
  await Deno.writeFile(`${local}/upload.bin`, BLOB);
  return {
    server,
    local,
    async [Symbol.asyncDispose]() {
      await server.close();
      await Deno.remove(local, { recursive: true });
    },
  };
}

async function hashOf(path: string): Promise<string> {
  return sha256(await Deno.readFile(path));
}

function loneLineFeeds(bytes: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i - 1] !== 0x0d) count++;
  }
  return count;
}

function urlPath(...segments: string[]): string {
  return "/" + segments.map(encodeURIComponent).join("/");
}

// --- curl ---------------------------------------------------------------

const CURL_MODES: [string, string[]][] = [
  ["passive EPSV", []],
  ["passive PASV", ["--disable-epsv"]],
  ["active EPRT", ["--ftp-port", "127.0.0.1"]],
  ["active PORT", ["--ftp-port", "127.0.0.1", "--disable-eprt"]],
];

for (const [mode, flags] of CURL_MODES) {
  Deno.test(`curl (${mode}): list, download, upload`, { ignore: curl.ignore }, async () => {
    const bin = curl.require();
    await using box = await fixture();
    const { server, local } = box;
    const base = ["-sS", "--max-time", "30", ...flags];

    const root = await runPeer(bin, [...base, `${server.url}/`], { env: ENV });
    assert.match(root.stdout, /^-.* blob\.bin\r?$/m);
    assert.match(root.stdout, /^d.* sub dir\r?$/m);
    const names = await runPeer(bin, [
      ...base,
      "--list-only",
      `${server.url}${urlPath(SPACED_DIR)}/`,
    ], {
      env: ENV,
    });
    assert.deepEqual(names.stdout.split(/\r?\n/).filter(Boolean), [ODD_NAME]);

    await runPeer(bin, [...base, "-o", `${local}/blob.bin`, `${server.url}/blob.bin`]);
    assert.equal(await hashOf(`${local}/blob.bin`), sha256(BLOB));
    await runPeer(bin, [
      ...base,
      "-o",
      `${local}/odd.txt`,
      `${server.url}${urlPath(SPACED_DIR, ODD_NAME)}`,
    ]);
    assert.equal(await hashOf(`${local}/odd.txt`), sha256(ODD_BODY));

    const remote = `up loaded ${ODD_NAME}`;
    await runPeer(bin, [
      ...base,
      "-T",
      `${local}/upload.bin`,
      `${server.url}${urlPath(SPACED_DIR, remote)}`,
    ]);
    assert.equal(await hashOf(`${server.root}/${SPACED_DIR}/${remote}`), sha256(BLOB));
  });
}

Deno.test("curl over IPv6 (::1)", { ignore: curl.ignore }, async (t) => {
  const bin = curl.require();
  let server: FtpTestServer;
  try {
    server = await FtpTestServer.start({ hostname: "::1" });
  } catch {
    return void await t.step({ name: "::1 unavailable", ignore: true, fn: () => {} });
  }
  try {
    await Deno.writeFile(`${server.root}/blob.bin`, BLOB);
    const local = await Deno.makeTempFile();
    try {
      await runPeer(bin, ["-sS", "-g", "--max-time", "30", "-o", local, `${server.url}/blob.bin`]);
      assert.equal(await hashOf(local), sha256(BLOB));
      await runPeer(bin, ["-sS", "-g", "--max-time", "30", "-T", local, `${server.url}/up.bin`]);
      assert.equal(await hashOf(`${server.root}/up.bin`), sha256(BLOB));
    } finally {
      await Deno.remove(local);
    }
  } finally {
    await server.close();
  }
});

// --- lftp ---------------------------------------------------------------

for (const passive of [true, false]) {
  const mode = passive ? "passive" : "active";
  Deno.test(`lftp (${mode}): ls, cls, nlist, get, put`, { ignore: lftp.ignore }, async () => {
    const bin = lftp.require();
    await using box = await fixture();
    const { server, local } = box;
    const script = [
      `set ftp:passive-mode ${passive ? "yes" : "no"}`,
      "set ftp:ssl-allow no",
      "set ftp:charset utf-8",
      "set file:charset utf-8",
      "set net:max-retries 1",
      "set net:timeout 15",
      "set cmd:fail-exit yes",
      "set xfer:clobber yes",
      `open -u anonymous,peer@example.com ${server.url}`,
      "ls",
      "echo ---",
      `cls -1 "${SPACED_DIR}/"`,
      "echo ---",
      `nlist "${SPACED_DIR}"`,
      "echo ---",
      `get blob.bin -o "${local}/blob.bin"`,
      `get "${SPACED_DIR}/${ODD_NAME}" -o "${local}/odd.txt"`,
      `put "${local}/upload.bin" -o "${SPACED_DIR}/from lftp ${ODD_NAME}"`,
      "quit",
    ].join("; ");
    const result = await runPeer(bin, ["-c", script], { env: ENV });
    const [ls, cls, nlist] = result.stdout.split("---\n");
    assert.match(ls, /^-.* blob\.bin$/m);
    assert.match(ls, /^d.* sub dir$/m);
    assert.ok(cls.includes(ODD_NAME), cls);
    assert.deepEqual(nlist.split("\n").filter(Boolean), [ODD_NAME]);
    assert.equal(await hashOf(`${local}/blob.bin`), sha256(BLOB));
    assert.equal(await hashOf(`${local}/odd.txt`), sha256(ODD_BODY));
    assert.equal(
      await hashOf(`${server.root}/${SPACED_DIR}/from lftp ${ODD_NAME}`),
      sha256(BLOB),
    );
    const verbs = new Set(server.commands.map((line) => line.split(" ")[0]));
    assert.ok(verbs.has(passive ? "PASV" : "PORT") || verbs.has(passive ? "EPSV" : "EPRT"));
  });
}

// --- Python ftplib ----------------------------------------------------------

const FTPLIB_SCRIPT = `
import ftplib, hashlib, io, json, sys
host, port, mode, odd, spaced = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
out = {}
ftp = ftplib.FTP()
ftp.connect(host, port, timeout=20)
ftp.login()
ftp.set_pasv(mode == "passive")
out["nlst"] = ftp.nlst()
listing = []
ftp.retrlines("LIST", listing.append)
out["list"] = listing
out["mlsd"] = sorted(name for name, facts in ftp.mlsd(spaced))
blob = io.BytesIO()
ftp.retrbinary("RETR blob.bin", blob.write)
out["blob"] = hashlib.sha256(blob.getvalue()).hexdigest()
part = io.BytesIO()
ftp.retrbinary("RETR blob.bin", part.write, rest=1000)
out["rest"] = hashlib.sha256(part.getvalue()).hexdigest()
lines = []
ftp.retrlines("RETR hello.txt", lines.append)
out["lines"] = lines
ftp.cwd(spaced)
oddio = io.BytesIO()
ftp.retrbinary("RETR " + odd, oddio.write)
out["odd"] = hashlib.sha256(oddio.getvalue()).hexdigest()
ftp.storbinary("STOR from python " + odd, io.BytesIO(blob.getvalue()))
ftp.storlines("STOR lines.txt", io.BytesIO(b"one\\ntwo\\n"))
out["size_ascii"] = ftp.size("from python " + odd)
ftp.voidcmd("TYPE I")
out["size"] = ftp.size("from python " + odd)
ftp.cwd("..")
conn = ftp.transfercmd("RETR blob.bin")
conn.recv(1000)
# Two replies either way: 426 then 226 when ABOR stopped the transfer, or the
# transfer's 226 then ABOR's 225 when it had finished first.
out["abort"] = [ftp.abort()[:3], ftp.getresp()[:3]]
conn.close()
out["noop"] = ftp.voidcmd("NOOP")[:3]
ftp.quit()
print(json.dumps(out))
`;

for (const mode of ["passive", "active"]) {
  Deno.test(`Python ftplib (${mode}): nlst, LIST, mlsd, retrbinary, storbinary, abort`, {
    ignore: python.ignore,
  }, async () => {
    const bin = python.require();
    await using box = await fixture();
    const { server } = box;
    await Deno.writeFile(`${server.root}/big.bin`, pattern(8_000_000, 3));
    const result = await runPeer(bin, [
      "-c",
      FTPLIB_SCRIPT.replace('"RETR blob.bin")\nconn.recv', '"RETR big.bin")\nconn.recv'),
      server.hostname,
      String(server.port),
      mode,
      ODD_NAME,
      SPACED_DIR,
    ], { env: { ...ENV, PYTHONIOENCODING: "utf-8" } });
    const out = JSON.parse(result.stdout);
    assert.deepEqual(out.nlst, ["big.bin", "blob.bin", "hello.txt", SPACED_DIR]);
    assert.ok(out.list.some((line: string) => /^d.* sub dir$/.test(line)));
    assert.deepEqual(out.mlsd, [".", "..", ODD_NAME]);
    assert.equal(out.blob, sha256(BLOB));
    assert.equal(out.rest, sha256(BLOB.subarray(1000)));
    assert.deepEqual(out.lines, ["hello", "world"]);
    assert.equal(out.odd, sha256(ODD_BODY));
    assert.equal(out.size, BLOB.length);
    // After storlines the session is in TYPE A, where SIZE counts the CRs to be added.
    assert.equal(out.size_ascii, BLOB.length + loneLineFeeds(BLOB));
    assert.equal(
      await hashOf(`${server.root}/${SPACED_DIR}/from python ${ODD_NAME}`),
      sha256(BLOB),
    );
    assert.equal(await Deno.readTextFile(`${server.root}/${SPACED_DIR}/lines.txt`), "one\ntwo\n");
    // ABOR with the final LF sent as urgent data: 426 then 226, or 226 then 225 if the
    // transfer finished first.
    assert.ok(
      JSON.stringify(out.abort) === '["426","226"]' ||
        JSON.stringify(out.abort) === '["226","225"]',
      JSON.stringify(out.abort),
    );
    assert.equal(out.noop, "200");
    const verbs = new Set(server.commands.map((line) => line.split(" ")[0]));
    assert.ok(verbs.has(mode === "passive" ? "PASV" : "PORT"));
  });
}
