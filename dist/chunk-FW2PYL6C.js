import {
  remoteDirname
} from "./chunk-2IPWHU7E.js";

// src/runner/_directory_batch.ts
var DirectoryBatch = class {
  recursive;
  #paths;
  #results;
  /**
   * @param missing The directories to make. Unless `recursive`, each
   * one's parent exists or comes earlier.
   * @param parents Parents of the first that may be missing too (those of
   * a destination that does not exist yet), top first: made before it, and
   * in no action of their own.
   * @param recursive Make each path's missing parents too (a mkdir step's
   * paths, in any order).
   */
  constructor(missing, parents = [], recursive = false) {
    this.recursive = recursive;
    this.#paths = missing.length === 0 ? [] : [
      ...parents,
      ...missing
    ];
  }
  /** Makes `path`, with the others on the first call. */
  async make(client, path, signal) {
    const recursive = this.recursive;
    const pending = this.#results ??= client.mkdirAll([
      ...this.#paths
    ], {
      recursive,
      signal
    }).then((errors) => new Map(this.#paths.map((p, i) => [
      p,
      errors[i]
    ])));
    let results;
    try {
      results = await pending;
    } catch (error) {
      if (this.#results === pending) this.#results = void 0;
      throw error;
    }
    if (results.has(path)) {
      const error = results.get(path);
      results.delete(path);
      if (error) throw error;
      return;
    }
    await client.mkdir(path, {
      recursive: true,
      signal
    });
  }
};
function remoteParents(path) {
  const parents = [];
  for (let dir = remoteDirname(path); dir !== "" && dir !== "/"; dir = remoteDirname(dir)) {
    parents.unshift(dir);
  }
  return parents;
}

export {
  DirectoryBatch,
  remoteParents
};
