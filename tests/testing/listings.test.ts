import assert from "node:assert/strict";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { readAll, text, Wire } from "./_wire.ts";

const OLD = new Date("2020-03-04T05:06:07Z");
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A recent time at a whole minute, so the expected LIST time is exact. */
function recent(): Date {
  const date = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  date.setUTCSeconds(0, 0);
  return date;
}

async function populate(root: string, when: Date): Promise<void> {
  await Deno.writeTextFile(`${root}/notes.txt`, "hello\n");
  await Deno.utime(`${root}/notes.txt`, when, when);
  await Deno.chmod(`${root}/notes.txt`, 0o640);
  await Deno.mkdir(`${root}/sub dir`);
  await Deno.utime(`${root}/sub dir`, OLD, OLD);
  await Deno.chmod(`${root}/sub dir`, 0o755);
  await Deno.writeTextFile(`${root}/Ünïcødé ñame.txt`, "12345");
  await Deno.utime(`${root}/Ünïcødé ñame.txt`, OLD, OLD);
  await Deno.symlink("notes.txt", `${root}/link`);
}

async function list(wire: Wire, command: string): Promise<string[]> {
  const data = await wire.passive();
  await wire.expect(command, 150);
  const body = text(await readAll(data));
  assert.equal((await wire.reply()).code, 226);
  assert.ok(body === "" || body.endsWith("\r\n"), "listing lines end in CRLF");
  return body.split("\r\n").slice(0, -1);
}

Deno.test(
  "LIST gives ls -l lines: type, permissions, size, date (time or year), name, link target",
  {
    ignore: Deno.build.os === "windows",
  },
  async () => {
    await using server = await FtpTestServer.start();
    const when = recent();
    await populate(server.root, when);
    using wire = await Wire.login(server);
    const lines = await list(wire, "LIST");
    assert.equal(lines.length, 4);
    const day = (d: Date) => String(d.getUTCDate()).padStart(2, " ");
    const hhmm = `${String(when.getUTCHours()).padStart(2, "0")}:${
      String(when.getUTCMinutes()).padStart(2, "0")
    }`;
    const [link, notes, sub, unicode] = lines;
    assert.match(
      link,
      /^lrwxrwxrwx +\d+ ftp +ftp +9 \w{3} [ \d]\d [ \d]\d:\d\d link -> notes\.txt$/,
    );
    assert.match(notes, /^-rw-r----- +1 ftp +ftp +6 /);
    assert.ok(
      notes.endsWith(` ${MONTHS[when.getUTCMonth()]} ${day(when)} ${hhmm} notes.txt`),
      notes,
    );
    assert.match(sub, /^drwxr-xr-x +\d+ ftp +ftp +\d+ Mar {2}4 {2}2020 sub dir$/);
    assert.match(unicode, /^-rw-r--r-- +1 ftp +ftp +5 Mar {2}4 {2}2020 Ünïcødé ñame\.txt$/);
    // Options in ls style are accepted and ignored.
    assert.deepEqual(await list(wire, "LIST -la"), lines);
    assert.deepEqual(await list(wire, "LIST -a -l /"), lines);
  },
);

Deno.test("LIST of a file lists that entry; LIST of a missing path is 550", async () => {
  await using server = await FtpTestServer.start();
  await populate(server.root, recent());
  using wire = await Wire.login(server);
  const lines = await list(wire, "LIST sub dir/../notes.txt");
  assert.equal(lines.length, 1);
  assert.match(lines[0], / notes\.txt$/);
  assert.deepEqual(await list(wire, "LIST sub dir"), []);
  await wire.expect("EPSV", 229);
  await wire.expect("LIST nowhere", 550);
});

Deno.test("a file dated in the future shows its year, as ls does", async () => {
  await using server = await FtpTestServer.start();
  const future = new Date(Date.now() + 400 * 24 * 3600 * 1000);
  await Deno.writeTextFile(`${server.root}/future.txt`, "x");
  await Deno.utime(`${server.root}/future.txt`, future, future);
  using wire = await Wire.login(server);
  const [line] = await list(wire, "LIST");
  assert.ok(line.endsWith(` ${future.getUTCFullYear()} future.txt`), line);
});

Deno.test("NLST gives bare names (or the file path as given), options ignored", async () => {
  await using server = await FtpTestServer.start();
  await populate(server.root, recent());
  await Deno.writeTextFile(`${server.root}/sub dir/inner.txt`, "x");
  using wire = await Wire.login(server);
  const names = ["link", "notes.txt", "sub dir", "Ünïcødé ñame.txt"];
  assert.deepEqual(await list(wire, "NLST"), names);
  assert.deepEqual(await list(wire, "NLST -a"), names);
  assert.deepEqual(await list(wire, "NLST sub dir"), ["inner.txt"]);
  assert.deepEqual(await list(wire, "NLST sub dir/inner.txt"), ["sub dir/inner.txt"]);
});

Deno.test("MLSD gives RFC 3659 facts with cdir and pdir entries", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await using server = await FtpTestServer.start();
  await populate(server.root, recent());
  await Deno.symlink("/etc", `${server.root}/outside`);
  using wire = await Wire.login(server);
  const lines = await list(wire, "MLSD");
  assert.match(lines[0], /^type=cdir;modify=\d{14};perm=cdeflmp;unix\.mode=0\d{3}; \.$/);
  assert.match(lines[1], /^type=pdir;modify=\d{14};perm=cdeflmp;unix\.mode=0\d{3}; \.\.$/);
  const entries = new Map(lines.slice(2).map((l) => [l.slice(l.indexOf("; ") + 2), l]));
  assert.deepEqual([...entries.keys()], [
    "link",
    "notes.txt",
    "outside",
    "sub dir",
    "Ünïcødé ñame.txt",
  ]);
  assert.match(
    entries.get("notes.txt")!,
    /^type=file;size=6;modify=\d{14};perm=adfrw;unix\.mode=0640; /,
  );
  assert.equal(
    entries.get("sub dir"),
    "type=dir;modify=20200304050607;perm=cdeflmp;unix.mode=0755; sub dir",
  );
  assert.equal(
    entries.get("Ünïcødé ñame.txt"),
    "type=file;size=5;modify=20200304050607;perm=adfrw;unix.mode=0644; Ünïcødé ñame.txt",
  );
  // Links are listed as links (ProFTPD's form), never as what they point to.
  assert.match(entries.get("link")!, /^type=OS\.unix=slink:notes\.txt;modify=\d{14}; link$/);
  assert.match(entries.get("outside")!, /^type=OS\.unix=slink:\/etc;modify=\d{14}; outside$/);

  await wire.expect("OPTS MLST type;size;", 200);
  const short = await list(wire, "MLSD sub dir/..");
  assert.ok(short.includes("type=file;size=6; notes.txt"));
  assert.ok(short.includes("type=dir; sub dir"));

  await wire.expect("EPSV", 229);
  await wire.expect("MLSD notes.txt", 501);
  await wire.expect("EPSV", 229);
  await wire.expect("MLSD nowhere", 550);
});

Deno.test("MLST answers over the control connection with the absolute path", async () => {
  await using server = await FtpTestServer.start();
  await populate(server.root, recent());
  using wire = await Wire.login(server);
  await wire.expect("CWD sub dir", 250);
  const reply = await wire.expect("MLST ../notes.txt", 250);
  assert.equal(reply.lines.length, 3);
  assert.equal(reply.lines[0], "250-Listing /notes.txt");
  assert.match(
    reply.lines[1],
    /^ type=file;size=6;modify=\d{14};perm=adfrw;unix\.mode=0640; \/notes\.txt$/,
  );
  assert.equal(reply.lines[2], "250 End");
  const here = await wire.expect("MLST", 250);
  assert.match(here.lines[1], /^ type=dir;modify=20200304050607;.* \/sub dir$/);
  const link = await wire.expect("MLST /link", 250);
  assert.match(link.lines[1], /^ type=OS\.unix=slink:notes\.txt;modify=\d{14}; \/link$/);
  const root = await wire.expect("MLST /", 250);
  assert.match(root.lines[1], /^ type=dir;.* \/$/);
  await wire.expect("MLST /nowhere", 550);
});

Deno.test("STAT with a path is a 213 multi-line listing on the control connection", async () => {
  await using server = await FtpTestServer.start();
  await populate(server.root, recent());
  using wire = await Wire.login(server);
  const reply = await wire.expect("STAT /", 213);
  assert.equal(reply.lines[0], "213-Status of /:");
  assert.equal(reply.lines.at(-1), "213 End of status");
  assert.equal(reply.lines.length, 6);
  assert.ok(reply.lines.some((line) => line.endsWith(" sub dir")));
  const one = await wire.expect("STAT notes.txt", 213);
  assert.equal(one.lines.length, 3);
  assert.match(one.lines[1], / notes\.txt$/);
  await wire.expect("STAT nowhere", 550);
});

Deno.test("hideDotFiles: LIST and NLST leave dot-files out unless given -a (with . and ..), as vsftpd; MLSD lists them", async () => {
  await using server = await FtpTestServer.start({ hideDotFiles: true });
  await Deno.mkdir(`${server.root}/d`);
  await Deno.writeTextFile(`${server.root}/d/.hidden`, "h");
  await Deno.writeTextFile(`${server.root}/d/plain`, "p");
  using wire = await Wire.login(server);
  const names = (lines: string[]) => lines.map((l) => l.split(" ").at(-1)).sort();
  assert.deepEqual(names(await list(wire, "LIST d")), ["plain"]);
  assert.deepEqual(names(await list(wire, "LIST -a d")), [".", "..", ".hidden", "plain"]);
  assert.deepEqual(names(await list(wire, "LIST -la d")), [".", "..", ".hidden", "plain"]);
  assert.deepEqual(await list(wire, "NLST d"), ["plain"]);
  assert.deepEqual((await list(wire, "NLST -a d")).sort(), [".", "..", ".hidden", "plain"]);
  assert.deepEqual(names(await list(wire, "MLSD d")), [".", "..", ".hidden", "plain"]);
  // A file is listed whatever its name.
  assert.deepEqual(names(await list(wire, "LIST d/.hidden")), [".hidden"]);
});

Deno.test("listOptions: false takes the whole LIST argument as the path, as pyftpdlib does", async () => {
  await using server = await FtpTestServer.start({ listOptions: false });
  await Deno.mkdir(`${server.root}/d`);
  await Deno.writeTextFile(`${server.root}/d/x`, "x");
  await Deno.writeTextFile(`${server.root}/-a`, "a file called -a");
  using wire = await Wire.login(server);
  const names = (lines: string[]) => lines.map((l) => l.split(" ").at(-1)).sort();
  await wire.passive();
  await wire.expect("LIST -a d", 550);
  assert.deepEqual(names(await list(wire, "LIST -a")), ["-a"]);
  assert.deepEqual(names(await list(wire, "LIST d")), ["x"]);
});
