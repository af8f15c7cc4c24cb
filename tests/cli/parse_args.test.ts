// The CLI parses its arguments with src/cli/_parse_args.ts instead of
// node:util's parseArgs (the first node: import costs every command's start):
// the same values, positionals and error messages, on generated arguments.

import assert from "node:assert/strict";
import { parseArgs as nodeParseArgs } from "node:util";
import fc from "fast-check";
import { type OptionSpec, parseArgs, ParseArgsError } from "../../src/cli/_parse_args.ts";

/** The kinds of options the CLI declares, and a string option with a letter, which it may. */
const OPTIONS: Record<string, OptionSpec> = {
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  "dry-run": { type: "boolean", short: "n" },
  report: { type: "string" },
  parallel: { type: "string" },
  "limit-rate": { type: "string" },
  output: { type: "string", short: "o" },
  user: { type: "string", multiple: true },
  tag: { type: "boolean", short: "t", multiple: true },
};

// deno-fmt-ignore
const WORDS = [
  "--quiet", "-q", "-v", "-h", "--json", "--json=1", "--quiet=yes", "-n", "--dry-run", "--report",
  "--report=out.json", "--report=", "--report=-x", "--parallel", "--parallel=4", "4",
  "--limit-rate=1M", "-o", "-oout", "-o-", "-o-x", "-ovq", "-qvo", "-qvoX", "-qo", "-vq", "-qz",
  "-Z", "-zq", "--user", "--user=a:b", "-t", "-tt", "--tag", "--", "-", "--unknown", "--unknown=3",
  "---x", "--=x", "--q", "ftp://h/a", "out/", "-x-", "--__proto__", "--constructor", "--toString",
  "-qh", "x", "", "--output", "--output=-a", "-o=x", "--help=", "--=a=b", "--report=a=b",
];

function outcome(parse: () => { values: object; positionals: string[] }) {
  try {
    const { values, positionals } = parse();
    return { values: { ...values }, positionals };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

Deno.test("parseArgs gives node:util's values, positionals and errors on generated arguments", () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 7 }), (args) => {
      const ours = outcome(() => parseArgs(args, OPTIONS));
      const node = outcome(() =>
        nodeParseArgs({ args, options: OPTIONS, strict: true, allowPositionals: true })
      );
      assert.deepEqual(ours, node, JSON.stringify(args));
    }),
    { numRuns: 5000 },
  );
});

Deno.test("parseArgs refuses what the CLI refuses, with node:util's words", () => {
  const cases: [string[], RegExp][] = [
    [["--nope"], /^Unknown option '--nope'\. To specify a positional argument/],
    [["--report"], /^Option '--report <value>' argument missing$/],
    [["--quiet=1"], /^Option '-q, --quiet' does not take an argument$/],
    [["--report", "--json"], /argument is ambiguous/],
  ];
  for (const [args, message] of cases) {
    assert.throws(() => parseArgs(args, OPTIONS), (error: Error) => {
      assert.ok(error instanceof ParseArgsError);
      assert.match(error.message, message);
      return true;
    });
  }
  // A lone "-" (standard input or output) is a positional; "--" ends the options.
  assert.deepEqual(parseArgs(["get", "-", "--", "--json"], OPTIONS).positionals, [
    "get",
    "-",
    "--json",
  ]);
});
