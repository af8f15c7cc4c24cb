// The one check that a run's report tells the truth: every action it calls
// done happened on disk, every action it calls failed, cancelled or skipped
// left its target as it was, nothing changed that no done action explains,
// and every count is the count of its actions. Both disks are compared as
// they were before and after the run (file hashes, see treeOf).

import assert from "node:assert/strict";
import { isAbsolute, normalize, relative } from "node:path";
import type { RunReport } from "../../src/runner/report.ts";
import { ferry, type FerryResult, reportOf, treeOf } from "./_ferry.ts";
import type { LabServer } from "./_lab.ts";

/** Both sides of a run at one moment: relative path -> SHA-256, `dir/` -> "dir". */
export interface Snapshot {
  remote: Record<string, string>;
  local: Record<string, string>;
}

/** Where the two sides are on this machine. */
export interface Sides {
  /** The local directory the server serves as the connection's starting directory. */
  remoteDir: string;
  /** The directory ferry ran in: relative local paths in the report start here. */
  localDir: string;
}

/** Reads both sides. */
export async function snapshot(sides: Sides): Promise<Snapshot> {
  return { remote: await treeOf(sides.remoteDir), local: await treeOf(sides.localDir) };
}

/** One action of a `--json` report, as far as the check reads it. */
interface Action {
  action: string;
  path: string;
  from?: string;
  size?: number;
  result: string;
  bytes: number;
  attempts: number;
  resumedFrom?: number;
}

/** The report, as far as the check reads it. */
export interface CheckedReport {
  ok: boolean;
  totals: { transferred: number; skipped: number; failed: number; changed: number; bytes: number };
  steps: { result: string; bytes: number; actions: Action[] }[];
}

const TEMPORARY = /\.ferry-part$/;

function key(path: string, base?: string): string {
  const rel = base !== undefined && isAbsolute(path) ? relative(base, path) : path;
  assert.ok(!isAbsolute(rel), `the check resolves relative paths only, got ${path}`);
  return normalize(rel).replace(/\/+$/, "");
}

/** Whether `path` is one of ferry's temporaries for `target`. */
function isTemporaryOf(path: string, target: string): boolean {
  return path.startsWith(target) &&
    /^(\.[0-9a-f]{12})?\.ferry-part$/.test(path.slice(target.length));
}

function under(tree: Record<string, string>, dir: string): string[] {
  return Object.keys(tree).filter((k) => k === `${dir}/` || k.startsWith(`${dir}/`));
}

function ancestors(path: string): string[] {
  const parts = path.split("/");
  return parts.slice(0, -1).map((_, i) => `${parts.slice(0, i + 1).join("/")}/`);
}

/** What changed between two trees: keys added, removed or with other content. */
function changes(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

/**
 * Asserts that the report matches what the disks hold (see the module
 * comment). `message` is added to every failure (the server's name, say).
 */
export function assertReportMatches(
  report: CheckedReport,
  before: Snapshot,
  after: Snapshot,
  sides: Sides,
  message = "",
): void {
  const where = (text: string) => `${text}${message ? ` (${message})` : ""}`;
  const remote = (path: string) => key(path);
  const local = (path: string) => key(path, sides.localDir);
  const explainedRemote = new Set<string>();
  const explainedLocal = new Set<string>();
  const actions = report.steps.flatMap((s) => s.actions);
  // Uploads into temporaries: the rename that commits them names them as `from`.
  const commits = new Map<string, Action>();
  for (const a of actions) if (a.action === "rename") commits.set(remote(a.path), a);

  // Several steps may touch one path: a later done action decides what it
  // holds, and another done action explains a change a failed one did not
  // make. An atomic commit belongs to its upload.
  const touches = (a: Action, side: "remote" | "local", k: string) => {
    if (a.result !== "ok" || a.action === "skip") return false;
    const onRemote = ["upload", "delete", "rmdir", "rename", "mkdir"].includes(a.action);
    if (onRemote !== (side === "remote")) return false;
    if (a.action === "rename" && TEMPORARY.test(a.from!)) return false;
    const mine = (p: string) => side === "remote" ? remote(p) : local(p);
    const paths = [mine(a.path), ...(a.action === "rename" ? [mine(a.from!)] : [])];
    return paths.some((p) => p === k || k.startsWith(`${p}/`) || p.startsWith(`${k}/`));
  };
  const changedLater = (i: number, side: "remote" | "local", k: string) =>
    actions.some((a, j) => j > i && touches(a, side, k));
  const changedElsewhere = (i: number, side: "remote" | "local", k: string) =>
    actions.some((a, j) => j !== i && touches(a, side, k));

  for (const [i, a] of actions.entries()) {
    const what = where(`${a.action} ${a.from ? `${a.from} → ` : ""}${a.path} (${a.result})`);
    if (a.result === "ok" && (a.action === "upload" || a.action === "download")) {
      // One try, not resumed: the bytes moved are the file's.
      if (a.attempts === 1) {
        assert.equal(a.bytes, (a.size ?? 0) - (a.resumedFrom ?? 0), `${what}: bytes`);
      }
    }
    switch (a.action) {
      case "upload": {
        const target = remote(a.path);
        const source = after.local[local(a.from!)];
        const commit = commits.get(target);
        if (a.result === "ok") {
          assert.ok(source !== undefined, `${what}: the local source is gone`);
          // Committed by a rename (atomic) or in place: the final path holds the source's
          // bytes. A commit that did not happen leaves them in the temporary.
          const holder = commit && commit.result !== "ok" ? remote(commit.from!) : target;
          if (!changedLater(i, "remote", holder)) {
            assert.equal(after.remote[holder], source, `${what}: ${holder} on the server`);
          }
          explainedRemote.add(target);
          // Its temporary (an upload that replaces a file goes through one,
          // maybe continued from an earlier run) is made and renamed away.
          for (const k of Object.keys(before.remote)) {
            if (isTemporaryOf(k, target)) explainedRemote.add(k);
          }
        } else if ((!commit || commit.result !== "ok") && !changedElsewhere(i, "remote", target)) {
          assert.equal(after.remote[target], before.remote[target], `${what}: changed anyway`);
        }
        break;
      }
      case "download": {
        const target = local(a.path);
        if (a.result === "ok") {
          const source = after.remote[remote(a.from!)];
          if (!changedLater(i, "remote", remote(a.from!)) && !changedLater(i, "local", target)) {
            assert.ok(source !== undefined, `${what}: the remote source is gone`);
            assert.equal(after.local[target], source, `${what}: ${target} on the local disk`);
          }
          // Written as its partial file, renamed into place.
          explainedLocal.add(target).add(`${target}.ferry-part`);
        } else if (!changedElsewhere(i, "local", target)) {
          assert.equal(after.local[target], before.local[target], `${what}: changed anyway`);
        }
        break;
      }
      case "delete":
      case "delete-local": {
        const side = a.action === "delete" ? "remote" : "local";
        const [tree, b, k, explained] = side === "remote"
          ? [after.remote, before.remote, remote(a.path), explainedRemote]
          : [after.local, before.local, local(a.path), explainedLocal];
        if (a.result === "ok") {
          if (!changedElsewhere(i, side, k)) {
            assert.ok(b[k] !== undefined, `${what}: was not there before`);
            assert.equal(tree[k], undefined, `${what}: still there`);
          }
          explained.add(k);
        } else if (!changedElsewhere(i, side, k)) {
          assert.equal(tree[k], b[k], `${what}: changed anyway`);
        }
        break;
      }
      case "mkdir":
      case "mkdir-local": {
        const side = a.action === "mkdir" ? "remote" : "local";
        const [tree, k, explained] = side === "remote"
          ? [after.remote, remote(a.path), explainedRemote]
          : [after.local, local(a.path), explainedLocal];
        if (a.result === "ok") {
          if (!changedLater(i, side, k)) {
            assert.equal(tree[`${k}/`], "dir", `${what}: no such directory`);
          }
          explained.add(`${k}/`);
          for (const parent of ancestors(k)) explained.add(parent);
        }
        break;
      }
      case "rmdir":
      case "rmdir-local": {
        const side = a.action === "rmdir" ? "remote" : "local";
        const [tree, b, k, explained] = side === "remote"
          ? [after.remote, before.remote, remote(a.path), explainedRemote]
          : [after.local, before.local, local(a.path), explainedLocal];
        if (a.result === "ok") {
          if (!changedLater(i, side, k)) {
            assert.deepEqual(under(tree, k), [], `${what}: still there`);
          }
          for (const gone of under(b, k)) explained.add(gone);
        } else if (!changedElsewhere(i, side, k)) {
          assert.deepEqual(
            under(tree, k).map((p) => [p, tree[p]]),
            under(b, k).map((p) => [p, b[p]]),
            `${what}: changed anyway`,
          );
        }
        break;
      }
      case "rename": {
        const from = remote(a.from!);
        const to = remote(a.path);
        if (a.result === "ok" && before.remote[`${from}/`] === "dir") {
          // A directory moves with its content.
          const moved = (tree: Record<string, string>, dir: string) =>
            under(tree, dir).map((p) => [p.slice(dir.length), tree[p]]);
          assert.deepEqual(moved(after.remote, to), moved(before.remote, from), what);
          assert.deepEqual(under(after.remote, from), [], `${what}: ${from} still there`);
          for (const p of [...under(before.remote, from), ...under(after.remote, to)]) {
            explainedRemote.add(p);
          }
        } else if (a.result === "ok") {
          if (!changedLater(i, "remote", from) && !changedLater(i, "remote", to)) {
            assert.equal(after.remote[from], undefined, `${what}: ${from} still there`);
            assert.ok(after.remote[to] !== undefined, `${what}: ${to} is missing`);
            // A temporary's bytes were checked with its upload; another file keeps its bytes.
            if (!TEMPORARY.test(from)) assert.equal(after.remote[to], before.remote[from], what);
          }
          explainedRemote.add(from).add(to);
        } else if (
          !TEMPORARY.test(from) && !changedElsewhere(i, "remote", from) &&
          !changedElsewhere(i, "remote", to)
        ) {
          assert.equal(after.remote[to], before.remote[to], `${what}: changed anyway`);
          assert.equal(after.remote[from], before.remote[from], `${what}: changed anyway`);
        }
        break;
      }
      case "skip":
        break;
      default:
        assert.fail(`${what}: an action kind the check does not know`);
    }
  }

  // Directories made on the way to a transferred file, and the temporaries
  // of uploads (made and renamed away in the run) are explained by them.
  for (const k of explainedRemote) for (const p of ancestors(k)) explainedRemote.add(p);
  for (const k of explainedLocal) for (const p of ancestors(k)) explainedLocal.add(p);
  const failed = actions.some((a) => a.result !== "ok" && a.result !== "skipped");
  const unexplained = (diff: string[], explained: Set<string>) =>
    diff.filter((k) => !explained.has(k) && !(failed && TEMPORARY.test(k)));
  assert.deepEqual(
    unexplained(changes(before.remote, after.remote), explainedRemote),
    [],
    where("server paths changed that no done action explains"),
  );
  assert.deepEqual(
    unexplained(changes(before.local, after.local), explainedLocal),
    [],
    where("local paths changed that no done action explains"),
  );
  if (!failed) {
    const left = [...Object.keys(after.remote), ...Object.keys(after.local)]
      .filter((k) =>
        TEMPORARY.test(k) && before.remote[k] === undefined &&
        before.local[k] === undefined
      );
    assert.deepEqual(left, [], where("temporaries left by a run that reports no failure"));
  }

  // Every count is the count of its actions.
  const count = (test: (a: Action) => boolean) => actions.filter(test).length;
  const transfer = (a: Action) => a.action === "upload" || a.action === "download";
  assert.deepEqual(report.totals, {
    transferred: count((a) => a.result === "ok" && transfer(a)),
    skipped: count((a) => a.result === "skipped"),
    failed: count((a) => a.result === "failed") +
      report.steps.filter((s) =>
        s.result === "failed" && !s.actions.some((a) => a.result === "failed")
      )
        .length,
    changed: count((a) => a.result === "ok" && !transfer(a)),
    bytes: actions.reduce((sum, a) => sum + a.bytes, 0),
  }, where("totals"));
  for (const step of report.steps) {
    assert.equal(
      step.bytes,
      step.actions.reduce((sum, a) => sum + a.bytes, 0),
      where("step bytes"),
    );
  }
  assert.equal(report.ok, report.steps.every((s) => s.result === "ok"), where("ok"));
}

/**
 * Runs `ferry ARGS --json` in `cwd` against a lab server and checks its
 * report against both disks (a task's remote paths start in the URL's
 * directory, a one-shot command's in the login's), and that the password
 * never shows.
 */
export async function checkedFerry(
  server: LabServer,
  cwd: string,
  args: string[],
): Promise<{ result: FerryResult; report: RunReport }> {
  const sides = { remoteDir: args[0] === "run" ? server.dir : server.root, localDir: cwd };
  const before = await snapshot(sides);
  const result = await ferry([...args, "--json"], { cwd, env: server.env });
  const report = reportOf(result);
  assertReportMatches(report, before, await snapshot(sides), sides, server.name);
  assert.ok(!(result.stdout + result.stderr).includes(server.password), "the password showed");
  return { result, report };
}
