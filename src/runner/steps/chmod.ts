/**
 * The `chmod` step: permissions set with SITE CHMOD on remote files,
 * directories and globs. The mode is checked (3 or 4 octal digits) before
 * anything is sent: servers read a bad one as octal digits all the same,
 * and vsftpd and Pure-FTPd set `99` as mode 0. Paths whose listing shows
 * the mode already are skipped, so a re-run sends nothing. The first change
 * is made alone, before the others: a server without SITE CHMOD refuses it
 * once, with an error that says so, and the rest are not attempted.
 *
 * @module
 */

import type { FtpClient } from "../../client/ftp_client.ts";
import { FtpPermanentError, type FtpReplyError, FtpUnsupportedError } from "../../errors.ts";
import type { FileInfo } from "../../listing/file_info.ts";
import { globMatcher, splitGlob } from "../_filter.ts";
import { baseName, remoteDirname, remoteRelative } from "../_paths.ts";
import type { PlanContext } from "../_plan_context.ts";
import type { SchemaParts } from "../_schema_parts.ts";
import { Phase, serverCommand, type Work } from "../_work.ts";
import { PlanError } from "../errors.ts";
import type { PathList } from "../task_file.ts";
import { actionSchema, list, type StepKindDef } from "./_kind.ts";

/**
 * Sets permissions (SITE CHMOD) on remote files, directories or globs
 * (`*`, `**`: files and directories that match; links are left alone).
 *
 * @example
 * ```ts
 * import type { ChmodAction } from "@ferry/ftp/runner";
 * const chmod: ChmodAction = { path: "www/cgi-bin/*.cgi", mode: "755" };
 * ```
 */
export interface ChmodAction {
  /** Remote files, directories or globs. */
  path: PathList;
  /**
   * The mode: 3 or 4 octal digits, as a string (`"755"`, `"0640"`). A
   * YAML number would lose what a leading 0 means, so numbers are refused.
   */
  mode: string;
}

/**
 * A loaded `chmod` step's own fields.
 *
 * @example
 * ```ts
 * import type { ChmodFields } from "@ferry/ftp/runner";
 * const fields: ChmodFields = { paths: ["www/cgi-bin/*.cgi"], mode: "755" };
 * ```
 */
export interface ChmodFields {
  /** Remote files, directories or globs, as written. */
  paths: string[];
  /** The mode, 3 or 4 octal digits. */
  mode: string;
}

const MODE = /^[0-7]{3,4}$/;
const MODE_ERROR = 'expected the mode as 3 or 4 octal digits in quotes, such as "755" or ' +
  '"0640" (in YAML, 0755 without quotes is a number)';

const schema = actionSchema<ChmodAction>()((s: SchemaParts) =>
  s.strict({
    path: s.paths.meta({ description: "Remote files, directories or globs (*, **)." }),
    mode: s.z.string({ error: MODE_ERROR }).regex(MODE, { error: MODE_ERROR }).meta({
      description: 'Octal digits as a string, such as "755" or "0640".',
    }),
  }, "chmod").meta({ description: "Sets permissions with SITE CHMOD." })
);

/** A remote path to change, and its mode when the listing shows one. */
interface Target {
  path: string;
  permissions?: number;
  reason?: string;
}

/** Whether a refusal means the server has no SITE CHMOD at all (rather than no right to it). */
function meansUnsupported(error: FtpReplyError): boolean {
  if (error.code === 500 || error.code === 502 || error.code === 504) return true;
  return error.code >= 500 && /\b(SITE|CHMOD)\b/i.test(error.text) &&
    /unknown|unsupported|disabled|unrecogni[sz]ed|not (understood|implemented|supported|recogni[sz]ed|enabled|available)/i
      .test(error.text);
}

async function siteChmod(client: FtpClient, target: string, mode: string, signal: AbortSignal) {
  try {
    await client.site(`CHMOD ${mode} ${target}`, { signal });
  } catch (error) {
    if (error instanceof FtpPermanentError && meansUnsupported(error)) {
      throw new FtpUnsupportedError(
        `The server does not support SITE CHMOD (it answered "${error.code} ${error.text}"): ` +
          `set the modes another way (the host's control panel, ssh), or remove the chmod step`,
      );
    }
    throw error;
  }
}

async function statPath(client: FtpClient, path: string, signal: AbortSignal) {
  try {
    return await client.stat(path, { signal });
  } catch (error) {
    if (error instanceof FtpPermanentError && error.code === 550) return undefined;
    throw error;
  }
}

/** The files and directories a glob matches (links are warned about and left out). */
async function matches(
  path: string,
  base: string,
  glob: string,
  ctx: PlanContext,
): Promise<Target[]> {
  const match = globMatcher(glob);
  const root = base === "" ? undefined : await statPath(ctx.client, base, ctx.signal);
  const found: Target[] = [];
  if (base === "" || root?.type === "directory") {
    const crosses = glob.includes("/") || glob.includes("**");
    const walk = ctx.client.walk(base, {
      signal: ctx.signal,
      filter: (entry) => entry.type !== "directory" || crosses,
    });
    for await (const entry of walk) {
      if (!match(remoteRelative(base, entry.path))) continue;
      if (entry.type === "file" || entry.type === "directory") found.push(entry);
      else ctx.warn(`Skipped ${entry.path}: ${describe(entry)}`);
    }
  } else if (root) {
    throw new PlanError(`${path}: ${base} is not a remote directory`);
  }
  // In a dry run, what earlier steps would create matches too.
  for (const [planned] of ctx.planned.remote) {
    const inside = base === "" || planned.startsWith(`${base}/`);
    if (inside && match(remoteRelative(base, planned)) && !found.some((f) => f.path === planned)) {
      found.push({ path: planned, reason: "created by an earlier step" });
    }
  }
  return found.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

/**
 * A path's mode from its parent's listing, for servers whose stat (no MLST)
 * gives none: one listing per parent, shared by the step's paths.
 */
async function listedMode(
  path: string,
  parents: Map<string, Promise<FileInfo[]>>,
  ctx: PlanContext,
): Promise<number | undefined> {
  const parent = remoteDirname(path);
  let listing = parents.get(parent);
  if (!listing) {
    // A parent the server will not list leaves the mode unknown (the change is sent).
    listing = Promise.resolve(ctx.client.list(parent, { signal: ctx.signal })).catch((error) => {
      if (error instanceof FtpPermanentError) return [];
      throw error;
    });
    parents.set(parent, listing);
  }
  const name = baseName(path);
  return (await listing).find((entry) => entry.name === name)?.permissions;
}

/** A mode as `ls` and chmod write it: 644, 4755. */
function octal(bits: number): string {
  return bits.toString(8).padStart(3, "0");
}

function describe(entry: FileInfo): string {
  return entry.type === "symlink" ? "a symbolic link (not changed)" : "of unknown type";
}

/** The chmod step kind. */
export const chmod: StepKindDef<"chmod", ChmodAction, ChmodFields> = {
  kind: "chmod",
  schema,
  resolve: ({ path, mode }) => ({
    name: `chmod ${list(path).join(" ")} ${mode}`,
    fields: { paths: list(path), mode },
  }),
  async plan({ paths, mode }, ctx) {
    const wanted = parseInt(mode, 8);
    const work: Work[] = [];
    const parents = new Map<string, Promise<FileInfo[]>>();
    let first = true;
    for (const path of paths) {
      let targets: Target[];
      const { base, glob } = await splitGlob(path);
      if (glob) {
        targets = await matches(path, base, glob, ctx);
        if (targets.length === 0) {
          work.push({
            id: ctx.id(),
            action: "skip",
            path,
            reason: "nothing matches",
            phase: Phase.transfer,
          });
        }
      } else {
        const found = await statPath(ctx.client, path, ctx.signal);
        if (!found && !ctx.planned.remote.has(path)) {
          throw new PlanError(`${path} does not exist on the server`);
        }
        targets = [
          found
            ? { path, permissions: found.permissions ?? await listedMode(path, parents, ctx) }
            : { path, reason: "created by an earlier step" },
        ];
      }
      for (const target of targets) {
        const known = target.permissions;
        if (known === wanted) {
          work.push({
            id: ctx.id(),
            action: "skip",
            path: target.path,
            reason: `already ${octal(wanted)}`,
            phase: Phase.transfer,
          });
          continue;
        }
        work.push({
          id: ctx.id(),
          action: "chmod",
          path: target.path,
          reason: target.reason ??
            (known === undefined
              ? `→ ${octal(wanted)} (the listing shows no mode)`
              : `${octal(known)} → ${octal(wanted)}`),
          // The first runs alone (the phase that runs first, one at a time).
          phase: first ? Phase.mkdir : Phase.transfer,
          run: serverCommand((client, signal) => siteChmod(client, target.path, mode, signal)),
        });
        first = false;
      }
    }
    return work;
  },
  actions: { chmod: { symbol: "*", counts: "changed" } },
};
