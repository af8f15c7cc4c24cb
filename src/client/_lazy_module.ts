// Parts of the client a one-file download does not use (listings and their
// parsers, tree walks and recursive operations, segmented downloads) are
// loaded on their first call: each module on a get's path costs start-up time
// (docs/performance.md, "Cold start"). Once loaded, a call reaches the module
// without waiting, so a call's commands go out as they did before.
//
// In the bundle (tasks/build.ts): every module ftp_client.ts loads this way
// imports ftp_client.ts itself, statically (`import "./ftp_client.ts";`).
// At run time that costs nothing, since ftp_client.ts is always loaded
// first. It matters to esbuild, which puts each module in a chunk by the set
// of entries and lazily imported modules that reach it: a lazy module that
// reaches only part of the client (the session, the transfer) would split
// that part off from the rest, and a one-file get would load the client as
// several small files instead of one. With the import, every lazy module
// reaches the whole client, so the client's modules share one reach set and
// one chunk (tests/startup_graph.test.ts counts a get's files).

/** A module loaded on first use. */
export interface LazyModule<T> {
  /** The module, once loaded. */
  readonly module: T | undefined;
  /** Loads it (once). */
  load(): Promise<T>;
}

/** A module that `load` imports when first asked for. */
export function lazyModule<T>(load: () => Promise<T>): LazyModule<T> {
  let module: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    get module() {
      return module;
    },
    load() {
      loading ??= load().then((loaded) => module = loaded, (error) => {
        loading = undefined; // A denied read may be granted later: try again next time.
        throw error;
      });
      return loading;
    },
  };
}
