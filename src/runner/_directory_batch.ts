// The directories a step creates, made together. The plan knows which are
// missing (an upload's from the listing, which did not show them, parents
// first; a mkdir step's from its stats, in the task's order, each made with
// its parents) and lists each as an action; the first of them to run sends
// every MKD in one round trip (FtpClient.mkdirAll), and each action takes
// its own directory's result. A retry of an action that failed makes its
// directory alone (mkdir -p).

import type { FtpClient } from "../client/ftp_client.ts";
import type { FtpError } from "../errors.ts";
import { remoteDirname } from "./_paths.ts";

/** One step's missing directories, made by the first action that runs. */
export class DirectoryBatch {
  readonly #paths: readonly string[];
  #results?: Promise<Map<string, FtpError | undefined>>;

  /**
   * @param missing The directories to make. Unless `recursive`, each
   * one's parent exists or comes earlier.
   * @param parents Parents of the first that may be missing too (those of
   * a destination that does not exist yet), top first: made before it, and
   * in no action of their own.
   * @param recursive Make each path's missing parents too (a mkdir step's
   * paths, in any order).
   */
  constructor(
    missing: readonly string[],
    parents: readonly string[] = [],
    readonly recursive = false,
  ) {
    this.#paths = missing.length === 0 ? [] : [...parents, ...missing];
  }

  /** Makes `path`, with the others on the first call. */
  async make(client: FtpClient, path: string, signal: AbortSignal): Promise<void> {
    const recursive = this.recursive;
    const pending = this.#results ??= client.mkdirAll([...this.#paths], { recursive, signal }).then(
      (errors) => new Map(this.#paths.map((p, i) => [p, errors[i]])),
    );
    let results: Map<string, FtpError | undefined>;
    try {
      results = await pending;
    } catch (error) {
      // Nothing was learnt (a lost connection): the next try asks again.
      if (this.#results === pending) this.#results = undefined;
      throw error;
    }
    if (results.has(path)) {
      const error = results.get(path);
      results.delete(path);
      if (error) throw error;
      return;
    }
    // This action's result was taken by its failed first try.
    await client.mkdir(path, { recursive: true, signal });
  }
}

/** The parents of a remote path, top first (`a/b/c`: `a`, `a/b`). */
export function remoteParents(path: string): string[] {
  const parents: string[] = [];
  // Bounded by the path's depth.
  for (let dir = remoteDirname(path); dir !== "" && dir !== "/"; dir = remoteDirname(dir)) {
    parents.unshift(dir);
  }
  return parents;
}
