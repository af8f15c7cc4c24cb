// The one definition of a task file: zod validates task files with it at
// run time, and schema/task.schema.json is generated from it. It stays free
// of transforms so that the JSON Schema can say everything it checks;
// normalisation happens afterwards, in resolve_task.ts. Each step kind's action
// schema comes from its module (steps/<kind>.ts), through the registry.

import { z } from "zod";
import { MAX_RETRIES } from "./limits.ts";
import { schemaParts } from "./_schema_parts.ts";
import { STEP_KINDS } from "./steps/all_kinds.ts";
import type { Same } from "./steps/registry.ts";
import type { TaskFile } from "./task_file.ts";

const { strict, duration, whole, rate } = schemaParts;

const tls = strict({
  caFile: z.string().min(1).optional().meta({
    description: "PEM file of extra CAs to trust, relative to the task file.",
  }),
  verify: z.boolean().optional().meta({ description: "Verify the certificate (default true)." }),
  serverName: z.string().min(1).optional(),
  minVersion: z.enum(["TLSv1.2", "TLSv1.3"]).optional().meta({
    description: "Oldest TLS version to accept (default TLSv1.2).",
  }),
  maxVersion: z.enum(["TLSv1.2", "TLSv1.3"]).optional().meta({
    description: "Newest TLS version to offer (default TLSv1.3).",
  }),
  clearControl: z.boolean().optional().meta({
    description: "CCC after login: the control connection goes on in plain text so that a " +
      "NAT or firewall can read PORT/PASV; data stays encrypted (explicit FTPS only; " +
      "default false).",
  }),
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
  localAddress: z.string().min(1).optional().meta({
    description: "IP address of this machine to connect from (ftplib's source_address); " +
      "active mode listens on it too.",
  }),
  connectTimeout: duration.optional(),
  replyTimeout: duration.optional(),
  dataTimeout: duration.optional(),
  parallel: whole(1, 64).optional().meta({
    description: "Connections carrying a step's transfers (default 4).",
  }),
  rateLimit: rate.optional().meta({
    description: "A bandwidth limit for the whole run, shared by every connection and both " +
      'directions, in bytes per second: a number, or "500K", "2M", "2MiB" (K, M, G: powers ' +
      "of 1024; kB, MB, GB: powers of 1000).",
  }),
  encoding: z.string().min(1).optional(),
  listHidden: z.boolean().optional().meta({
    description: "List names that start with a dot, asking with LIST -a where needed " +
      "(default true).",
  }),
  netrc: z.union([z.boolean(), z.string().min(1)]).optional(),
}, "connection");

/** The watch block (`ferry watch`). */
const watchSchema = strict({
  debounce: duration.optional().meta({
    description: "Quiet time before changes are uploaded as one batch (default 300ms).",
  }),
  maxWait: duration.optional().meta({
    description: "The longest a change waits for the quiet time (default 5s).",
  }),
  keepAlive: duration.optional().meta({
    description: "How often idle connections send NOOP; 0 sends none (default 30s).",
  }),
}, "watch");

const common = {
  name: z.string().min(1).optional(),
  continueOnError: z.boolean().optional(),
  retries: whole(0, MAX_RETRIES).optional(),
  timeoutRetries: whole(0, MAX_RETRIES).optional().meta({
    description: "Retries of a timeout (default 1): a server that stops answering costs " +
      "about (timeoutRetries + 1) x the timeout.",
  }),
};

/** The step kinds' names, each the key that holds its action. */
export const STEP_KIND_NAMES: readonly string[] = STEP_KINDS.map((kind) => kind.kind);

/** The schema of each step kind: the common fields and the kind's action. */
export const stepSchemas: Readonly<Record<string, z.ZodType>> = Object.fromEntries(
  STEP_KINDS.map((kind) => [
    kind.kind,
    strict(
      { ...common, [kind.kind]: kind.schema(schemaParts) },
      `${kind.article ?? "a"} ${kind.kind} step`,
    ),
  ]),
);

/** A whole task file. */
export const taskSchema = strict({
  $schema: z.string().optional(),
  version: z.literal(1, { error: "version must be 1 (the only task file version so far)" }),
  connection: connectionSchema,
  steps: z.array(z.union(STEP_KIND_NAMES.map((kind) => stepSchemas[kind]))).min(1, {
    error: "a task needs at least one step",
  }),
  watch: watchSchema.optional(),
}, "the task file");

// The handwritten TaskFile interface and this schema must describe the same
// objects: this line stops the build when they drift apart. (Each step
// kind's module checks its action the same way.)
const _sameShape: Same<Omit<z.output<typeof taskSchema>, "steps">, Omit<TaskFile, "steps">> = true;
void _sameShape;
