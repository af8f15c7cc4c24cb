// src/runner/_work.ts
var Phase = {
  /** Directories, parents first, one at a time. */
  mkdir: 0,
  /** Transfers, single deletes and renames, over the whole pool. */
  transfer: 1,
  /** Atomic uploads moved into place. */
  commit: 2,
  /** Extraneous files removed (sync). */
  delete: 3,
  /** Directories removed, deepest first, one at a time. */
  rmdir: 4
};
var SEQUENTIAL_PHASES = /* @__PURE__ */ new Set([
  Phase.mkdir,
  Phase.rmdir
]);
function idSource() {
  let next = 1;
  return () => next++;
}
function serverCommand(command) {
  return async (client, run) => {
    await command(client, run.signal);
    return {
      bytes: 0
    };
  };
}

export {
  Phase,
  SEQUENTIAL_PHASES,
  idSource,
  serverCommand
};
