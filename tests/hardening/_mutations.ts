// The guards that tests/hardening/mutation_check.ts breaks one at a time,
// each with the tests meant to catch it. tests/hardening/mutations.test.ts
// checks that every edit still finds its text, so that a guard whose code
// moved fails there instead of being skipped.

/** One guard broken: text replacements in one file, and the tests that must then fail. */
export interface Mutation {
  id: string;
  what: string;
  file: string;
  edits: [string, string][];
  tests: { file: string; filter?: string }[];
}

export const MUTATIONS: Mutation[] = [
  {
    id: "M1",
    what: "unsafeNameReason lets every non-empty name through",
    file: "src/protocol/remote_path.ts",
    edits: [[
      "export function unsafeNameReason(name: string): string | undefined {\n",
      'export function unsafeNameReason(name: string): string | undefined {\n  if (name !== "") return undefined;\n',
    ]],
    tests: [{ file: "traversal.test.ts" }, { file: "fuzz_paths.test.ts" }],
  },
  {
    id: "M2",
    what: "the PASV host is used without trustPasvHost",
    file: "src/client/_session.ts",
    edits: [[
      "return this.settings.trustPasvHost ? address : { host: peer, port: address.port };",
      "return address;",
    ]],
    tests: [{ file: "data_address.test.ts" }],
  },
  {
    id: "M3",
    what: "the reply line check and its buffer cap removed (a line is buffered whole)",
    file: "src/protocol/reply.ts",
    edits: [
      ["    if (needed > this.#maxLine + 1) {", "    if (false) {"],
      [
        "Math.min(Math.max(needed, this.#partial.length * 2), this.#maxLine + 1)",
        "Math.max(needed, this.#partial.length * 2)",
      ],
    ],
    tests: [{ file: "replies.test.ts", filter: "10 MB" }],
  },
  {
    id: "M4",
    what: "the reply size limit removed",
    file: "src/protocol/reply.ts",
    edits: [["if (this.#replyBytes > this.#maxReply) {", "if (false) {"]],
    tests: [{ file: "replies.test.ts", filter: "never ends" }, { file: "fuzz_protocol.test.ts" }],
  },
  {
    id: "M5",
    what: "formatCommand accepts CR, LF and NUL",
    file: "src/protocol/command.ts",
    edits: [["  if (FORBIDDEN.test(value)) {", "  if (false) {"]],
    tests: [{ file: "traversal.test.ts", filter: "CR" }],
  },
  {
    id: "M6",
    what: "a refused AUTH TLS is ignored",
    file: "src/client/_session.ts",
    edits: [["    if (reply.code !== 234) {", "    if (reply.code !== 234 && false) {"]],
    tests: [{ file: "tls.test.ts", filter: "refused" }],
  },
  {
    id: "M7",
    what: "the runner's redactor hides nothing",
    file: "src/runner/redact.ts",
    edits: [[
      "  return (text) => {\n",
      "  return (text) => {\n    if (text !== undefined) return text;\n",
    ]],
    tests: [{ file: "../cli/secrets.test.ts" }],
  },
  {
    id: "M8",
    what: "downloadTo accepts a download shorter than the expected size (the runner's listed size)",
    file: "src/client/_download_file.ts",
    edits: [[
      '  if (size === undefined || options.type !== "binary" || total >= size) return;',
      "  return;",
    ]],
    tests: [{ file: "transfers.test.ts", filter: "runner" }],
  },
  {
    id: "M9",
    what: "a data-side failure is reported as is, not as the server's reply",
    file: "src/client/_transfer.ts",
    edits: [[
      "      return replyError(reply, redactCommand(this.#command), { cause: error });",
      "      return error;",
    ]],
    tests: [{ file: "transfers.test.ts", filter: "425/426" }],
  },
  {
    id: "M10",
    what: "the data watchdog never fires",
    file: "src/transport/data_connection.ts",
    edits: [[
      "performance.now() - this.#busySince > this.#stallTimeout",
      "performance.now() - this.#busySince > Infinity",
    ]],
    tests: [{ file: "transfers.test.ts", filter: "stalls" }],
  },
  {
    id: "M11",
    what: "the walk's depth cap removed",
    file: "src/client/_walk.ts",
    edits: [["export const MAX_WALK_DEPTH = 256;", "export const MAX_WALK_DEPTH = Infinity;"]],
    tests: [
      { file: "fuzz_paths.test.ts", filter: "for ever" },
      { file: "traversal.test.ts", filter: "contains itself" },
    ],
  },
  {
    id: "M12",
    what: "any three characters pass as a reply code",
    file: "src/protocol/reply.ts",
    edits: [[
      "if (!(hundreds >= 1 && hundreds <= 5 && tens >= 0 && tens <= 9 && units >= 0 && units <= 9)) {",
      "if (Number.isNaN(hundreds + tens + units)) {",
    ]],
    tests: [
      { file: "replies.test.ts", filter: "malformed" },
      { file: "fuzz_protocol.test.ts", filter: "ReplyParser" },
    ],
  },
  {
    id: "M13",
    what: "the walk skips unsafe names silently",
    file: "src/client/_walk.ts",
    edits: [["        source.warn(\n", "        (() => {})(\n"]],
    tests: [
      { file: "traversal.test.ts", filter: "hostile MLSD" },
      { file: "fuzz_paths.test.ts", filter: "walkTree" },
    ],
  },
  {
    id: "M14",
    what: "PASS goes to the debug hook unredacted",
    file: "src/transport/control_connection.ts",
    edits: [[
      'this.#debug?.({ direction: "send", line: redactCommand(line) });',
      'this.#debug?.({ direction: "send", line });',
    ]],
    tests: [{ file: "secrets.test.ts", filter: "library: no error" }],
  },
  {
    id: "M15",
    what: "EPSV accepts port 0 and ports above 65535",
    file: "src/protocol/data_address.ts",
    edits: [[
      'return assertPort(port, "The EPSV reply");',
      "return port;",
    ]],
    tests: [
      { file: "data_address.test.ts", filter: "impossible port" },
      { file: "fuzz_protocol.test.ts", filter: "PASV and EPSV" },
    ],
  },
  {
    id: "M16",
    what: "downloadTo without resume writes straight to the final path",
    file: "src/client/_download_file.ts",
    edits: [["  const part = partialPath(path);", "  const part = path;"]],
    tests: [{ file: "guarantees.test.ts", filter: "downloadTo without resume" }],
  },
  {
    id: "M17",
    what: "no size check after an upload into a temporary",
    file: "src/client/_upload_source.ts",
    edits: [["  if (stored === expected) return;", "  return;"]],
    tests: [{ file: "guarantees.test.ts", filter: "stores fewer bytes" }],
  },
  {
    id: "M18",
    what: "a step's later phases (commit, delete) run after a failed transfer",
    file: "src/runner/_run_step.ts",
    edits: [["    if (failed || env.signal.aborted) break;", "    if (env.signal.aborted) break;"]],
    tests: [{ file: "guarantees.test.ts", filter: "deletes nothing after a failed" }],
  },
  {
    id: "M19",
    what: "a temporary is continued although the local file changed during the run",
    file: "src/runner/_upload_file.ts",
    edits: [[
      "    resume: sameIdentity(job.written, now),",
      "    resume: job.written !== undefined,",
    ]],
    tests: [{ file: "guarantees.test.ts", filter: "local file changed" }],
  },
  {
    id: "M20",
    what: "an empty file counts as already uploaded (0 of 0 bytes there)",
    file: "src/client/_upload_source.ts",
    edits: [["    if (offset > 0 && offset === total) {", "    if (offset === total) {"]],
    tests: [{ file: "../runner/upload.test.ts", filter: "0-byte" }],
  },
  {
    id: "M21",
    what: "any listing answered to LIST -a is believed (a file called '-a d' read as d)",
    file: "src/client/_listing.ts",
    edits: [["  if (asked?.self) {", "  if (asked) {"]],
    tests: [{ file: "../client/dot_files.test.ts", filter: "not misread" }],
  },
  {
    id: "M22",
    what: "the greeting is not part of connecting (only the reply timeout bounds it)",
    file: "src/client/_connect.ts",
    edits: [["const byConnect = started + connectTimeout;", "const byConnect = Infinity;"]],
    tests: [{ file: "waits_control.test.ts", filter: "greeting" }],
  },
  {
    id: "M23",
    what: "after a timeout, ABOR waits the whole reply timeout (no grace)",
    file: "src/client/_transfer.ts",
    edits: [["return graceMs(session.control.replyTimeout);", "return undefined;"]],
    tests: [{ file: "waits_transfer.test.ts", filter: "stalls after the 150" }],
  },
  {
    id: "M24",
    what: "the runner retries timeouts like any transient failure and never stops a step's waiting",
    file: "src/runner/_silence.ts",
    edits: [
      ["if (this.#inRow > this.#allowed) this.#stop.abort(error);", ""],
      ["return !this.#stop.signal.aborted && timeouts <= this.#allowed;", "return true;"],
    ],
    tests: [{ file: "../runner/timeouts.test.ts" }, {
      file: "../cli/waits.test.ts",
      filter: "ferry run",
    }],
  },
  {
    id: "M25",
    what: "FEAT lines that repeat the code are read as features named 211-...",
    file: "src/protocol/features.ts",
    edits: [[
      "const text = (line.startsWith(prefix) ? line.slice(prefix.length) : line).trim();",
      "const text = line.trim();",
    ]],
    tests: [{ file: "../protocol/features.test.ts" }, { file: "../client/features.test.ts" }],
  },
  {
    id: "M26",
    what: "a partial file is continued without comparing its tail (resumeCheck ignored)",
    file: "src/client/_download_file.ts",
    edits: [[
      "        if (!equalBytes(fresh.subarray(0, take), expected!.subarray(compared, compared + take))) {",
      "        if (false) {",
    ]],
    tests: [
      { file: "../runner/resume.test.ts", filter: "another version" },
      { file: "../client/integrity.test.ts", filter: "resumeCheck" },
    ],
  },
  {
    id: "M27",
    what: "when the new file cannot go into place, the old one is left moved aside",
    file: "src/client/_replace.ts",
    edits: [[
      "    const restored = await failure(session.rename(aside, to));",
      "    const restored = 0;",
    ]],
    tests: [
      { file: "../runner/commit.test.ts", filter: "put back" },
      { file: "../client/integrity.test.ts", filter: "move-aside" },
    ],
  },
];
