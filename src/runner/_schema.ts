// The one definition of a task file: zod validates task files with it at
// run time, and schema/task.schema.json is generated from it. It stays free
// of transforms so that the JSON Schema can say everything it checks;
// normalisation happens afterwards, in _resolve.ts.

import { z } from "zod";
import { DURATION_PATTERN } from "./_duration.ts";
import { MAX_RETRIES } from "./_limits.ts";
import { wholeNumberPattern } from "./_number_pattern.ts";
import type { TaskFile } from "./task_file.ts";

/** Makes an unknown key's error list the allowed ones and the likeliest. */
function strict<T extends z.ZodRawShape>(shape: T, what: string) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const keys = issue.keys.map((k) => JSON.stringify(k)).join(", ");
      const guess = issue.keys.map((k) => closest(k, allowed)).find((g) => g !== undefined);
      return `unknown key ${keys} in ${what}` + (guess ? ` (did you mean "${guess}"?)` : "") +
        `; allowed: ${allowed.join(", ")}`;
    },
  });
}

/** The allowed key within edit distance 2, if any. */
function closest(key: string, allowed: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j] + 1,
        row[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length];
}

const duration = z.union([
  z.number().nonnegative(),
  z.string().regex(DURATION_PATTERN, { error: "expected a duration such as 500ms, 30s, 2m or 1h" }),
]).meta({ description: 'Milliseconds, or a string such as "500ms", "30s", "2m", "1h".' });

// A string form (what `${VAR}` yields) is checked by a pattern of exactly
// the allowed numbers, so that the JSON Schema says the range too.
const whole = (min: number, max: number) => {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.union([
    z.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
    z.string({ error }).regex(new RegExp(wholeNumberPattern(min, max)), { error }),
  ], { error });
};

const overwrite = z.enum(["always", "never", "newer", "different"]).meta({
  description: "When to replace an existing destination file (default: different: size or " +
    "modification time differ).",
});

const filter = z.array(z.union([
  strict({ include: z.string().min(1) }, "a filter rule"),
  strict({ exclude: z.string().min(1) }, "a filter rule"),
])).meta({
  description: "Ordered include/exclude globs, first match wins; unmatched paths are included " +
    "unless the filter has an include rule.",
});

const paths = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const tls = strict({
  caFile: z.string().min(1).optional().meta({
    description: "PEM file of extra CAs to trust, relative to the task file.",
  }),
  verify: z.boolean().optional().meta({ description: "Verify the certificate (default true)." }),
  serverName: z.string().min(1).optional(),
}, "connection.tls");

/** The connection block. */
export const connectionSchema = strict({
  url: z.string().min(1).optional().meta({
    description: "ftp://, ftps:// (implicit TLS) or ftpes:// (explicit TLS) URL.",
  }),
  host: z.string().min(1).optional(),
  port: whole(1, 65535).optional(),
  user: z.string().optional(),
  password: z.string().optional().meta({
    description: "Use ${VAR} to read it from the environment or a .env file.",
  }),
  account: z.string().optional(),
  secure: z.enum(["none", "explicit", "implicit"]).optional(),
  tls: tls.optional(),
  mode: z.enum(["passive", "active"]).optional(),
  connectTimeout: duration.optional(),
  replyTimeout: duration.optional(),
  dataTimeout: duration.optional(),
  parallel: whole(1, 64).optional().meta({
    description: "Connections carrying a step's transfers (default 4).",
  }),
  encoding: z.string().min(1).optional(),
  listHidden: z.boolean().optional().meta({
    description: "List names that start with a dot, asking with LIST -a where needed " +
      "(default true).",
  }),
  netrc: z.union([z.boolean(), z.string().min(1)]).optional(),
}, "connection");

const common = {
  name: z.string().min(1).optional(),
  continueOnError: z.boolean().optional(),
  retries: whole(0, MAX_RETRIES).optional(),
  timeoutRetries: whole(0, MAX_RETRIES).optional().meta({
    description: "Retries of a timeout (default 1): a server that stops answering costs " +
      "about (timeoutRetries + 1) x the timeout.",
  }),
};

const put = strict({
  from: paths,
  to: z.string().min(1),
  overwrite: overwrite.optional(),
  atomic: z.boolean().optional(),
  filter: filter.optional(),
}, "put");

const get = strict({
  from: paths,
  to: z.string().min(1),
  overwrite: overwrite.optional(),
  resume: z.boolean().optional(),
  filter: filter.optional(),
}, "get");

const sync = strict({
  direction: z.enum(["up", "down"]),
  local: z.string().min(1),
  remote: z.string().min(1),
  delete: z.boolean().optional(),
  overwrite: overwrite.optional(),
  atomic: z.boolean().optional(),
  resume: z.boolean().optional(),
  filter: filter.optional(),
}, "sync");

const rename = strict({ from: z.string().min(1), to: z.string().min(1) }, "rename");

/** The step kinds, each the key that holds its action. */
export const STEP_KINDS = ["mkdir", "rm", "rmdir", "rename", "put", "get", "sync"] as const;

/** The schema of each step kind. */
export const stepSchemas = {
  mkdir: strict({ ...common, mkdir: paths }, "a mkdir step"),
  rm: strict({ ...common, rm: paths }, "an rm step"),
  rmdir: strict({ ...common, rmdir: paths }, "an rmdir step"),
  rename: strict({ ...common, rename }, "a rename step"),
  put: strict({ ...common, put }, "a put step"),
  get: strict({ ...common, get }, "a get step"),
  sync: strict({ ...common, sync }, "a sync step"),
};

/** A whole task file. */
export const taskSchema = strict({
  $schema: z.string().optional(),
  version: z.literal(1, { error: "version must be 1 (the only task file version so far)" }),
  connection: connectionSchema,
  steps: z.array(z.union(STEP_KINDS.map((kind) => stepSchemas[kind]))).min(1, {
    error: "a task needs at least one step",
  }),
}, "the task file");

// The handwritten TaskFile interface and this schema must describe the same
// objects: this line stops the build when they drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _sameShape: Same<z.output<typeof taskSchema>, TaskFile> = true;
void _sameShape;
