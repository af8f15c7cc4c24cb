/**
 * The `verify` step: a local tree (or file) compared with a remote one,
 * changing nothing anywhere. Each file is an action that succeeds when the
 * two sides agree and fails with a {@linkcode VerifyError} naming the
 * difference: missing on either side, a file against a directory, the
 * size, the time, or the content. `by` says how far to look: sizes; sizes
 * and times (the default, as sync compares them); the server's checksum
 * (HASH, XSHA256, ..., whichever FEAT offers, strongest first); or the
 * bytes themselves, downloaded and hashed as they stream (no file written).
 *
 * @module
 */

import { basename, join } from "node:path";
import { FtpError } from "../../errors.ts";
import { decide } from "../_compare.ts";
import { exactTimes } from "../_exact_times.ts";
import { compileFilter } from "../_filter.ts";
import { type LocalEntry, readLocalTree, statLocal } from "../_local_tree.ts";
import { joinRemote } from "../_paths.ts";
import type { PlanContext } from "../_plan_context.ts";
import {
  hasDotSegment,
  nothingHidden,
  readRemoteTree,
  type RemoteEntry,
  statRemote,
  statRemoteAll,
} from "../_remote_tree.ts";
import type { SchemaParts } from "../_schema_parts.ts";
import { Phase, type Work } from "../_work.ts";
import { PlanError, TransientRunError } from "../errors.ts";
import type { FilterRule } from "../task_file.ts";
import { actionSchema, localPath, type StepKindDef } from "./_kind.ts";
import {
  CHECKSUMS,
  chooseChecksum,
  downloadedChecksum,
  localChecksum,
  remoteChecksum,
} from "./_verify_checksum.ts";

/**
 * How `verify` compares two files: `size`; `size+time` (sizes, and times
 * to the second where the server tells them exactly, with sync's rule for
 * servers that cannot set times); `hash` (the checksum the server computes,
 * against the local file's); `download` (the remote bytes, hashed as they
 * arrive). Files whose sizes differ are never hashed or downloaded.
 *
 * @example
 * ```ts
 * import type { VerifyBy } from "@ferry/ftp/runner";
 * const thorough: VerifyBy = "download";
 * ```
 */
export type VerifyBy = "size" | "size+time" | "hash" | "download";

/**
 * Compares a local file or directory with a remote one and fails listing
 * the differences; nothing is changed on either side.
 *
 * @example
 * ```ts
 * import type { VerifyAction } from "@ferry/ftp/runner";
 * const verify: VerifyAction = { local: "dist", remote: "www", by: "hash" };
 * ```
 */
export interface VerifyAction {
  /** The local file or directory, relative to the task file. */
  local: string;
  /**
   * The remote file or directory. For a local file, a remote directory
   * (or a path ending in `/`) means the file of the same name in it.
   */
  remote: string;
  /**
   * How to compare files.
   *
   * @default {"size+time"}
   */
  by?: VerifyBy;
  /**
   * Which paths to compare, relative to the two directories.
   *
   * @default {[]}
   */
  filter?: FilterRule[];
}

/**
 * A loaded `verify` step's own fields.
 *
 * @example
 * ```ts
 * import type { VerifyFields } from "@ferry/ftp/runner";
 * const fields: VerifyFields = { local: "/srv/site/dist", remote: "www", by: "size+time", filter: [] };
 * ```
 */
export interface VerifyFields {
  /** The local file or directory, absolute. */
  local: string;
  /** The remote file or directory, as written. */
  remote: string;
  /** How to compare files. */
  by: VerifyBy;
  /** Which paths to compare. */
  filter: FilterRule[];
}

/**
 * What differs about one path (the `code` of its error in the report).
 *
 * @example
 * ```ts
 * import type { VerifyDifference } from "@ferry/ftp/runner";
 * const missing: VerifyDifference[] = ["missing-remote", "missing-local"];
 * ```
 */
export type VerifyDifference =
  | "missing-remote"
  | "missing-local"
  | "type"
  | "size"
  | "time"
  | "content";

/**
 * A difference a verify step found: its action fails with this error, and
 * the report shows `VerifyError` with the difference as the code.
 *
 * @example
 * ```ts
 * import type { RunReport } from "@ferry/ftp/runner";
 *
 * const differences = (report: RunReport) =>
 *   report.steps.flatMap((s) => s.actions).filter((a) => a.error?.name === "VerifyError")
 *     .map((a) => `${a.path}: ${a.error!.message}`);
 * ```
 */
export class VerifyError extends FtpError {
  /** What differs. */
  readonly code: VerifyDifference;

  /**
   * Creates the error.
   *
   * @param code What differs.
   * @param message How, with both sides' values.
   *
   * @example
   * ```ts
   * import { VerifyError } from "@ferry/ftp/runner";
   * const error = new VerifyError("size", "size differs: 12 bytes here, 6 on the server");
   * console.log(error.code); // "size"
   * ```
   */
  constructor(code: VerifyDifference, message: string) {
    super(message);
    this.name = "VerifyError";
    this.code = code;
  }

  /** `false`: a difference stays until a transfer changes one side. */
  override get retryable(): boolean {
    return false;
  }
}

const schema = actionSchema<VerifyAction>()((s: SchemaParts) =>
  s.strict({
    local: s.z.string().min(1).meta({ description: "The local file or directory." }),
    remote: s.z.string().min(1).meta({ description: "The remote file or directory." }),
    by: s.z.enum(["size", "size+time", "hash", "download"]).optional().meta({
      description: "size; size+time (default); hash: the server's checksum (HASH, XSHA256, " +
        "...); download: the remote bytes, hashed as they stream.",
    }),
    filter: s.filter.optional(),
  }, "verify").meta({ description: "Compares local and remote files; changes nothing." })
);

/** One path compared: the local and remote entries (either may be missing). */
interface Pair {
  rel: string;
  local?: LocalEntry;
  remote?: RemoteEntry;
  localPath: string;
  remotePath: string;
}

const time = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
const short = (hex: string) => `${hex.slice(0, 12)}…`;

/** A difference found without comparing contents, if there is one. */
function difference(pair: Pair): VerifyError | undefined {
  const { local, remote } = pair;
  if (!remote) return new VerifyError("missing-remote", "missing on the server");
  if (!local) return new VerifyError("missing-local", "missing here (only on the server)");
  if (local.type !== remote.type) {
    const there = remote.type === "directory" ? "a directory" : "a file";
    return new VerifyError("type", `a ${local.type} here, ${there} on the server`);
  }
  if (remote.size !== undefined && local.size !== remote.size) {
    return new VerifyError(
      "size",
      `size differs: ${local.size} bytes here, ${remote.size} on the server`,
    );
  }
  return undefined;
}

/** Reads both sides into pairs of files (and of a file against a directory). */
async function pairsOf(step: VerifyFields, ctx: PlanContext): Promise<Pair[] | undefined> {
  const filter = await compileFilter(step.filter);
  const localRoot = step.local.replace(/(?<=.)[/\\]+$/, "");
  const info = await statLocal(localRoot);
  if (!info) throw new PlanError(`${step.local} does not exist`);
  const remoteRoot = step.remote === "/" ? "/" : step.remote.replace(/\/+$/, "");
  if (info.isFile) {
    let remotePath = step.remote;
    let remote = step.remote.endsWith("/")
      ? undefined
      : await statRemote(ctx.client, remotePath, ctx.signal);
    if (step.remote.endsWith("/") || remote?.type === "directory") {
      remotePath = joinRemote(remoteRoot, basename(localRoot));
      remote = await statRemote(ctx.client, remotePath, ctx.signal);
    }
    const local: LocalEntry = {
      rel: basename(localRoot),
      path: localRoot,
      type: "file",
      size: info.size,
      mtime: info.mtime ?? undefined,
    };
    return [{ rel: local.rel, local, remote, localPath: localRoot, remotePath }];
  }
  const root = ["", ".", "/"].includes(remoteRoot)
    ? { type: "directory" }
    : await statRemote(ctx.client, remoteRoot, ctx.signal);
  if (!root) {
    if (ctx.planned.remote.get(remoteRoot) === "directory") {
      ctx.warn(`${step.remote} is made by an earlier step: a dry run cannot compare its content`);
      return undefined;
    }
    throw new PlanError(`${step.remote} does not exist on the server: nothing to compare`);
  }
  if (root.type !== "directory") {
    throw new PlanError(`${step.remote} is not a directory on the server`);
  }
  const skipped = new Map<string, string>();
  const locals = await readLocalTree(localRoot, filter, ctx.warn, skipped);
  const hidden = nothingHidden();
  const remotes = await readRemoteTree(
    ctx.client,
    remoteRoot,
    (rel) => !filter.prunes(rel),
    ctx.signal,
    hidden,
  );
  const under = (rel: string, roots: Iterable<string>) =>
    [...roots].some((r) => r === "" || rel === r || rel.startsWith(`${r}/`));
  const pairs: Pair[] = [];
  // Files the listing may have left out, asked for by name together.
  const unlisted: Pair[] = [];
  for (const rel of new Set([...locals.keys(), ...remotes.keys()])) {
    const local = locals.get(rel);
    const remote = remotes.get(rel);
    const isFile = local?.type === "file" || remote?.type === "file";
    if (!isFile || !filter.includes(rel)) continue;
    if (remote && remote.type !== "file" && remote.type !== "directory") {
      ctx.warn(
        `Not compared: ${remote.path} is ${
          remote.type === "symlink" ? "a link" : "of unknown type"
        }`,
      );
      continue;
    }
    const remotePath = joinRemote(remoteRoot, rel);
    if (!local && under(rel, skipped.keys())) continue; // readLocalTree warned
    const pair = { rel, local, remote, localPath: join(localRoot, rel), remotePath };
    if (
      !remote &&
      ((hidden.dotFiles && hasDotSegment(rel)) || under(rel, hidden.paths.keys()) ||
        hidden.unreadable.size > 0)
    ) {
      unlisted.push(pair);
    }
    pairs.push(pair);
  }
  const found = await statRemoteAll(ctx.client, unlisted.map((p) => p.remotePath), ctx.signal);
  unlisted.forEach((pair, i) => pair.remote = found[i]);
  // Below a file that is a directory on the other side, the clash says it all.
  const clashes = pairs.filter((p) => p.local && p.remote && p.local.type !== p.remote.type)
    .map((p) => p.rel);
  return pairs.filter((p) => !clashes.some((c) => p.rel.startsWith(`${c}/`)))
    .sort((a, b) => a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);
}

/** What size+time makes of a pair whose sizes agree: a reason, or a time difference. */
function byTime(pair: Pair, settable: boolean): string | VerifyError {
  const remoteTime = pair.remote!.exact ? pair.remote!.modified : undefined;
  const { transfer, reason } = decide(
    "different",
    { size: pair.local!.size, mtime: pair.local!.mtime },
    { size: pair.remote!.size, mtime: remoteTime },
    settable,
  );
  if (transfer) {
    return new VerifyError(
      "time",
      `time differs: ${time(pair.local!.mtime!)} here, ${time(remoteTime!)} on the server`,
    );
  }
  if (reason === "up to date") return "same size and time";
  if (reason.includes("destination newer")) {
    return "same size, newer on the server (which cannot set times)";
  }
  return "same size (the time is not known exactly on both sides)";
}

/** The verify step kind. */
export const verify: StepKindDef<"verify", VerifyAction, VerifyFields> = {
  kind: "verify",
  schema,
  resolve: (v, at) => ({
    name: `verify ${v.local} ↔ ${v.remote}${v.by ? ` by ${v.by}` : ""}`,
    sourcesAt: at.locate && [at.locate(["local"])],
    fields: {
      local: localPath(at.baseDir, v.local),
      remote: v.remote,
      by: v.by ?? "size+time",
      filter: v.filter ?? [],
    },
  }),
  async plan(step, ctx) {
    const checksum = step.by === "hash" ? chooseChecksum(ctx.client) : undefined;
    if (step.by === "hash" && !checksum) {
      throw new PlanError(
        `the server offers no checksum command (FEAT lists none of HASH, ` +
          `${CHECKSUMS.filter((c) => c.command !== "HASH").map((c) => c.command).join(", ")}): ` +
          `use by: download to compare the contents, or by: size+time`,
      );
    }
    const pairs = await pairsOf(step, ctx) ?? [];
    const unsized = pairs.filter((p) => p.remote?.type === "file" && p.remote.size === undefined);
    await ctx.pooled(unsized, async (client, pair) => {
      pair.remote!.size = await client.size(pair.remotePath, { signal: ctx.signal });
    });
    if (step.by === "size+time") {
      await exactTimes(pairs.filter((p) => p.remote && !difference(p)).map((p) => p.remote!), ctx);
    }
    const settable = ctx.client.features.has("MFMT");
    return pairs.map((pair): Work => {
      const base = {
        id: ctx.id(),
        action: "verify" as const,
        from: pair.localPath,
        path: pair.remotePath,
        phase: Phase.transfer,
      };
      if (ctx.planned.remote.has(pair.remotePath)) {
        return {
          ...base,
          reason: "written by an earlier step: compared when the task runs",
          local: true,
          run: () => Promise.resolve({ bytes: 0 }),
        };
      }
      const found = difference(pair) ??
        (step.by === "size+time" ? byTime(pair, settable) : undefined);
      if (found instanceof VerifyError) {
        return { ...base, reason: found.message, local: true, run: () => Promise.reject(found) };
      }
      if (step.by === "size" || step.by === "size+time") {
        return {
          ...base,
          reason: found ?? "same size",
          local: true,
          run: () => Promise.resolve({ bytes: 0 }),
        };
      }
      const { localPath: path, remotePath: remote } = pair;
      if (step.by === "hash") {
        const how = checksum!;
        return {
          ...base,
          reason: `compare ${how.algorithm} (${how.command})`,
          run: async (client, run) => {
            const [here, there] = await Promise.all([
              localChecksum(path, how.algorithm),
              remoteChecksum(client!, remote, how, run.signal),
            ]);
            if (here !== there) {
              throw new VerifyError(
                "content",
                `content differs: ${how.algorithm} ${short(here)} here, ${
                  short(there)
                } on the server (${how.command})`,
              );
            }
            return { bytes: 0 };
          },
        };
      }
      const size = pair.remote!.size!;
      return {
        ...base,
        size,
        reason: "compare the bytes (download)",
        run: async (client, run) => {
          run.started(0);
          const [here, there] = await Promise.all([
            localChecksum(path, "SHA-256"),
            downloadedChecksum(client!, remote, run),
          ]);
          if (there.bytes !== size) {
            throw new TransientRunError(`${remote}: received ${there.bytes} of ${size} bytes`);
          }
          if (here !== there.hex) {
            throw new VerifyError(
              "content",
              `content differs: SHA-256 ${short(here)} here, ${
                short(there.hex)
              } on the server (downloaded)`,
            );
          }
          return { bytes: there.bytes };
        },
      };
    });
  },
  sources: (step) => Promise.resolve([{ path: step.local, folder: /[/\\]$/.test(step.local) }]),
  permissions: (step) => Promise.resolve({ read: [step.local.replace(/(?<=.)[/\\]+$/, "")] }),
  actions: { verify: { symbol: "≡", counts: "unchanged" } },
};
