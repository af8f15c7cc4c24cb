// Property tests of the path sanitiser and of the recursive walk built on
// it: for any listing a server could send (names made of `..`, `/`, `\`,
// drive prefixes, NUL, CR, LF and ordinary text; files, directories, links
// with any target), the walk yields only safe names, each path is its
// parent joined with its name, depths are right, every unsafe name is a
// warning, and the local path the runner derives from an entry never leaves
// the local target, for any remote root.
//
// Covered elsewhere: unsafeNameReason's examples (tests/protocol/
// values.test.ts), walk() against hostile servers (tests/client/
// listing.test.ts, tests/hardening/traversal.test.ts).

import assert from "node:assert/strict";
import { isAbsolute, join, relative, win32 } from "node:path";
import fc from "fast-check";
import type { FileInfo } from "../../mod.ts";
import { joinRemotePath, unsafeNameReason } from "../../src/protocol/mod.ts";
import { type WalkSource, walkTree } from "../../src/client/_walk.ts";
import { remoteRelative } from "../../src/runner/_paths.ts";
import { fuzzParams } from "./_fuzz.ts";

const PIECES = ["a", "b", "..", ".", "/", "\\", "C:", "c:", "\0", "\r", "\n", " ", "\u00e9", "~"];
const hostileName = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 4 }).map((p) => p.join("")),
  fc.string({ unit: "binary", maxLength: 8 }),
);

Deno.test("unsafeNameReason: a name it lets through is one plain path segment", () => {
  fc.assert(
    fc.property(hostileName, (name) => {
      if (unsafeNameReason(name) !== undefined) return;
      assert.ok(name.length > 0);
      assert.ok(name !== "." && name !== "..");
      assert.ok(!/[/\\\0\r\n]/.test(name), JSON.stringify(name));
      assert.ok(!/^[A-Za-z]:/.test(name), JSON.stringify(name));
      // Joined under any directory, it stays exactly one level below it, on
      // POSIX and on Windows.
      const local = join("/target/dir", name);
      assert.equal(relative("/target/dir", local), name);
      const winLocal = win32.join("C:\\target\\dir", name);
      assert.equal(win32.relative("C:\\target\\dir", winLocal), name);
    }),
    fuzzParams(2),
  );
});

interface FakeEntry {
  name: string;
  type: FileInfo["type"];
  target?: string;
}

const fakeEntry = fc.record({
  name: hostileName,
  type: fc.constantFrom<FileInfo["type"]>("file", "directory", "symlink", "unknown"),
  target: fc.option(fc.constantFrom(".", "..", "/", "a", "../a", "/x/y", "b/.."), {
    nil: undefined,
  }),
});
/** A server: a handful of listings, each directory gets one by the hash of its path. */
const fakeServer = fc.array(fc.array(fakeEntry, { maxLength: 6 }), {
  minLength: 1,
  maxLength: 8,
});
const roots = fc.constantFrom("", ".", "/", "pub", "/pub/", "a//b", "./x", "/deep/er/");

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

Deno.test("walkTree: only safe names, paths are parent + name, depths right, each unsafe name warned", async () => {
  await fc.assert(
    fc.asyncProperty(
      fakeServer,
      roots,
      fc.boolean(),
      fc.option(fc.nat({ max: 4 }), { nil: undefined }),
      async (listings, root, followSymlinks, maxDepth) => {
        const listed = new Map<string, FakeEntry[]>();
        const warnings: string[] = [];
        const source: WalkSource = {
          list(path) {
            // Deep enough: the fake tree ends at five levels below the root.
            const level = remoteRelative(root, path).split("/").filter(Boolean).length;
            const entries = level >= 5 ? [] : listings[hash(path) % listings.length];
            listed.set(path, entries);
            return Promise.resolve(
              entries.map((e) => ({ name: e.name, type: e.type, target: e.target, raw: e.name })),
            );
          },
          isDirectory: (path) => Promise.resolve(hash(path) % 2 === 0),
          warn: (message) => warnings.push(message),
        };
        let count = 0;
        for await (const entry of walkTree(root, source, { followSymlinks, maxDepth })) {
          assert.ok(++count < 100_000, "the walk does not end");
          assert.equal(unsafeNameReason(entry.name), undefined, JSON.stringify(entry.name));
          const parent = entry.path.slice(0, entry.path.length - entry.name.length);
          const dir = [...listed.keys()].find((p) => joinRemotePath(p, entry.name) === entry.path);
          assert.ok(dir !== undefined, `${entry.path} is no listed directory + name (${parent})`);
          assert.ok(listed.get(dir)!.some((e) => e.name === entry.name));
          if (maxDepth !== undefined) assert.ok(entry.depth <= maxDepth);
          const rel = remoteRelative(root, entry.path);
          assert.equal(rel.split("/").filter(Boolean).length, entry.depth + 1, rel);
          // What the runner does with it: a local path under the target, on
          // POSIX and on Windows (where "\\" separates and "C:" roots).
          const local = join("/local/target", rel);
          const back = relative("/local/target", local);
          assert.ok(back !== ".." && !back.startsWith("../") && !isAbsolute(back), local);
          assert.ok(back !== "" && back.split("/").length === entry.depth + 1, local);
          const winLocal = win32.join("C:\\local\\target", rel);
          const winBack = win32.relative("C:\\local\\target", winLocal);
          assert.ok(
            winBack !== ".." && !winBack.startsWith("..\\") && !win32.isAbsolute(winBack),
            winLocal,
          );
          assert.equal(winBack.split("\\").length, entry.depth + 1, winLocal);
        }
        // Every unsafe name of every listing read was reported.
        for (const [path, entries] of listed) {
          for (const entry of entries) {
            if (unsafeNameReason(entry.name) === undefined) continue;
            const shown = JSON.stringify(entry.name).slice(1, -1);
            assert.ok(
              warnings.some((w) => w.includes(shown) && w.includes(path)),
              `no warning for ${JSON.stringify(entry.name)} in ${path}`,
            );
          }
        }
      },
    ),
    fuzzParams(0.5),
  );
});

Deno.test("walkTree: a directory that lists itself for ever stops at 256 levels with a warning", async () => {
  const warnings: string[] = [];
  const source: WalkSource = {
    list: () => Promise.resolve([{ name: "again", type: "directory", raw: "again" }]),
    isDirectory: () => Promise.resolve(true),
    warn: (message) => warnings.push(message),
  };
  let count = 0;
  // Bounded here too, so that a walk without its cap fails instead of hanging.
  for await (const _ of walkTree("/loop", source)) if (++count > 1000) break;
  assert.equal(count, 257);
  assert.ok(warnings.some((w) => /deeper than 256 levels/.test(w)), warnings.join("\n"));
});
