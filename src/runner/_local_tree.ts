// The local side of a step: a directory tree read into a map of relative
// paths, and globs expanded against it. Symbolic links to files count as
// files; links to directories are not followed (a loop could be endless),
// and are reported.

import { dirname, join } from "../std/path.ts";
import type { PathFilter } from "./_filter.ts";

/** A local file or directory, by "/"-separated path relative to a root. */
export interface LocalEntry {
  /** Relative path. */
  rel: string;
  /** Absolute path. */
  path: string;
  type: "file" | "directory";
  size: number;
  mtime?: Date;
}

/** Most entries one local walk reads, so a runaway tree cannot exhaust memory. */
const MAX_LOCAL_ENTRIES = 5_000_000;

/** Stat that returns `undefined` for a missing path. */
export async function statLocal(path: string): Promise<Deno.FileInfo | undefined> {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** How many stats {@linkcode statLocalAll} keeps in flight. */
const STATS_IN_FLIGHT = 32;

/**
 * Stats many paths, a bounded number at a time: one after the other, a
 * thousand files' targets cost a thousand thread hand-offs in sequence.
 * Where many paths share a directory that is missing or empty (a first
 * download), they are absent without a stat each: a failed stat costs an
 * error with its stack (1000 targets: about 45 ms), reading a directory
 * about a microsecond per entry it holds. `dirs` are the paths'
 * directories, when the caller has them.
 */
export async function statLocalAll(
  paths: readonly string[],
  dirs: readonly string[] = paths.map(dirname),
): Promise<Map<string, Deno.FileInfo | undefined>> {
  const found = new Map<string, Deno.FileInfo | undefined>();
  const perDirectory = new Map<string, number>();
  for (const dir of dirs) perDirectory.set(dir, (perDirectory.get(dir) ?? 0) + 1);
  const vacant = new Set(
    [...perDirectory].filter(([dir, n]) => n >= STATS_IN_FLIGHT && emptyOrMissing(dir))
      .map(([dir]) => dir),
  );
  const toStat = paths.filter((path, i) => {
    if (!vacant.has(dirs[i])) return true;
    found.set(path, undefined);
    return false;
  });
  for (let i = 0; i < toStat.length; i += STATS_IN_FLIGHT) {
    const batch = toStat.slice(i, i + STATS_IN_FLIGHT);
    const infos = await Promise.all(batch.map(statLocal));
    batch.forEach((path, j) => found.set(path, infos[j]));
  }
  return found;
}

/** Whether `dir` is an empty directory or is missing; `false` when unsure. */
function emptyOrMissing(dir: string): boolean {
  try {
    for (const _ of Deno.readDirSync(dir)) return false;
    return true;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}

/**
 * Reads a directory tree, depth first. Directories a filter prunes are not
 * entered; files are all returned (the caller applies the filter, so that
 * excluded files stay protected from deletion). `skipped`, when given,
 * receives the relative paths passed over (links to directories, broken
 * links, special files) with why: a sync must not take them for absent.
 */
export async function readLocalTree(
  root: string,
  filter: PathFilter | undefined,
  warn: (message: string) => void,
  skipped?: Map<string, string>,
): Promise<Map<string, LocalEntry>> {
  const skip = (rel: string, message: string) => {
    warn(message);
    skipped?.set(rel, message);
  };
  const entries = new Map<string, LocalEntry>();
  const stack = [""];
  // Bounded by the tree's size and MAX_LOCAL_ENTRIES.
  while (stack.length > 0) {
    const dir = stack.pop()!;
    const below: string[] = [];
    for await (const item of Deno.readDir(join(root, dir))) {
      const rel = dir === "" ? item.name : `${dir}/${item.name}`;
      const path = join(root, rel);
      let info: Deno.FileInfo;
      try {
        info = item.isSymlink ? await Deno.stat(path) : await Deno.lstat(path);
      } catch {
        skip(rel, `Skipped ${path}: a broken symbolic link`);
        continue;
      }
      if (info.isDirectory) {
        if (item.isSymlink) {
          skip(rel, `Skipped ${path}: a symbolic link to a directory (not followed)`);
          continue;
        }
        if (filter?.prunes(rel)) continue;
        entries.set(rel, { rel, path, type: "directory", size: 0, mtime: info.mtime ?? undefined });
        below.push(rel);
      } else if (info.isFile) {
        entries.set(rel, {
          rel,
          path,
          type: "file",
          size: info.size,
          mtime: info.mtime ?? undefined,
        });
      } else {
        skip(rel, `Skipped ${path}: not a regular file`);
      }
      if (entries.size > MAX_LOCAL_ENTRIES) {
        throw new Error(`${root} holds more than ${MAX_LOCAL_ENTRIES} entries; narrow the step`);
      }
    }
    stack.push(...below.reverse());
  }
  return entries;
}

/**
 * Whether a tree holds a file the filter includes, read as readLocalTree
 * reads it (links to files count, links to directories are not followed,
 * pruned directories are not entered), stopping at the first one found.
 */
export async function holdsFile(root: string, filter: PathFilter): Promise<boolean> {
  const stack = [""];
  let seen = 0;
  // Bounded by the tree's size and MAX_LOCAL_ENTRIES.
  while (stack.length > 0) {
    const dir = stack.pop()!;
    for await (const item of Deno.readDir(join(root, dir))) {
      if (++seen > MAX_LOCAL_ENTRIES) {
        throw new Error(`${root} holds more than ${MAX_LOCAL_ENTRIES} entries; narrow the step`);
      }
      const rel = dir === "" ? item.name : `${dir}/${item.name}`;
      let info: { isFile: boolean; isDirectory: boolean } = item;
      if (item.isSymlink) {
        try {
          info = await Deno.stat(join(root, rel));
        } catch {
          continue;
        }
      }
      if (info.isDirectory) {
        if (!item.isSymlink && !filter.prunes(rel)) stack.push(rel);
      } else if (info.isFile && filter.includes(rel)) return true;
    }
  }
  return false;
}
