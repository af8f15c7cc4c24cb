// The report check itself (_report_check.ts) must catch a report that lies:
// each case takes a true report of a small run and changes one thing.

import assert from "node:assert/strict";
import type { ActionReport, RunReport } from "../../src/runner/report.ts";
import { assertReportMatches, type Snapshot } from "./_report_check.ts";

const SIDES = { remoteDir: "/srv", localDir: "/work" };
const A = "a".repeat(64);
const B = "b".repeat(64);

const BEFORE: Snapshot = {
  remote: { "www/": "dir", "www/old.txt": B, "trash/": "dir", "trash/x.tmp": A },
  local: { "site/": "dir", "site/a.txt": A, "site/b.txt": B },
};
const AFTER: Snapshot = {
  remote: { "www/": "dir", "www/a.txt": A, "www/old.txt": B, "trash/": "dir" },
  local: BEFORE.local,
};

function trueReport(): RunReport {
  const action = (fields: Partial<ActionReport> & Pick<ActionReport, "action" | "path">) => ({
    id: 0,
    reason: "new",
    bytes: 0,
    durationMs: 1,
    attempts: 1,
    result: "ok" as const,
    ...fields,
  });
  return {
    version: 1,
    server: "ftp://127.0.0.1",
    dryRun: false,
    ok: true,
    interrupted: false,
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    totals: { transferred: 1, skipped: 1, failed: 1, changed: 1, bytes: 2 },
    steps: [
      {
        index: 0,
        name: "put",
        kind: "put",
        result: "ok",
        durationMs: 1,
        bytes: 2,
        warnings: [],
        actions: [
          action({ action: "upload", path: "www/a.txt", from: "site/a.txt", size: 2, bytes: 2 }),
          action({
            action: "upload",
            path: "www/old.txt",
            from: "site/b.txt",
            size: 2,
            result: "failed",
            attempts: 4,
          }),
          action({ action: "skip", path: "www/b.txt", result: "skipped", attempts: 0 }),
        ],
      },
      {
        index: 1,
        name: "rm",
        kind: "rm",
        result: "ok",
        durationMs: 1,
        bytes: 0,
        warnings: [],
        actions: [action({ action: "delete", path: "trash/x.tmp" })],
      },
    ],
  };
}

Deno.test("the report check passes a true report", () => {
  const report = trueReport();
  report.ok = false;
  report.steps[0].result = "failed";
  assertReportMatches(report, BEFORE, AFTER, SIDES);
});

const LIES: [string, (r: RunReport, after: Snapshot) => void][] = [
  ["an upload the server does not hold", (_r, after) => delete after.remote["www/a.txt"]],
  ["an upload with other bytes", (_r, after) => (after.remote["www/a.txt"] = B)],
  ["a failed upload that changed its target", (_r, after) => (after.remote["www/old.txt"] = A)],
  ["a delete of a file still there", (_r, after) => (after.remote["trash/x.tmp"] = A)],
  ["a change no action explains", (_r, after) => (after.remote["www/surprise"] = A)],
  ["a temporary left by a run without failures", (r, after) => {
    r.steps[0].actions.splice(1, 1);
    r.totals.failed = 0;
    r.steps[0].result = "ok";
    r.ok = true;
    assertReportMatches(r, BEFORE, structuredClone(after), SIDES); // True so far.
    after.remote["www/a.txt.ferry-part"] = A;
  }],
  ["a transfer count off by one", (r) => r.totals.transferred++],
  ["a byte count off", (r) => r.totals.bytes++],
  ["a skip count off", (r) => r.totals.skipped--],
  ["a step's bytes off", (r) => r.steps[0].bytes++],
  ["bytes moved that are not the file's", (r) => (r.steps[0].actions[0].bytes = 1)],
  ["ok although a step failed", (r) => (r.ok = true)],
];

for (const [lie, tell] of LIES) {
  Deno.test(`the report check catches ${lie}`, () => {
    const report = trueReport();
    report.ok = false;
    report.steps[0].result = "failed";
    const after = structuredClone(AFTER);
    tell(report, after);
    assert.throws(() => assertReportMatches(report, BEFORE, after, SIDES), assert.AssertionError);
  });
}
