// Parts of the client a one-file download does not use (listings and their
// parsers, tree walks and recursive operations, segmented downloads) are
// loaded on their first call: each module on a get's path costs start-up time
// (docs/performance.md, "Cold start"). Once loaded, a call reaches the module
// without waiting, so a call's commands go out as they did before.

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
