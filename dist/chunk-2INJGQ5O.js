import {
  removeRemoteFile
} from "./chunk-UUIWI3OP.js";
import {
  readRemoteTree,
  statRemote,
  statRemoteAll
} from "./chunk-GKD4NT2B.js";
import {
  pathListAction
} from "./chunk-GOUEWUCF.js";
import {
  PlanError,
  globMatcher,
  splitGlob
} from "./chunk-2IPWHU7E.js";
import {
  Phase
} from "./chunk-LFXU7JLJ.js";

// src/runner/steps/rm.ts
function deleteWork(path, reason, ctx) {
  return {
    id: ctx.id(),
    reason,
    phase: Phase.transfer,
    ...removeRemoteFile(path)
  };
}
function skip(path, reason, ctx) {
  return {
    id: ctx.id(),
    action: "skip",
    path,
    reason,
    phase: Phase.transfer
  };
}
var rm = {
  kind: "rm",
  article: "an",
  ...pathListAction("rm"),
  async plan(step, ctx) {
    const work = [];
    const split = await Promise.all(step.paths.map((path) => splitGlob(path)));
    const named = step.paths.filter((_, i) => !split[i].glob);
    const stats = await statRemoteAll(ctx.client, named, ctx.signal);
    const foundAt = new Map(named.map((path, i) => [
      path,
      stats[i]
    ]));
    for (const [i, path] of step.paths.entries()) {
      const { base, glob } = split[i];
      if (glob) {
        const match = globMatcher(glob);
        const root = await statRemote(ctx.client, base || ".", ctx.signal);
        const tree = root?.type === "directory" ? await readRemoteTree(ctx.client, base, () => glob.includes("**") || glob.includes("/"), ctx.signal) : /* @__PURE__ */ new Map();
        const hits = [
          ...tree.values()
        ].filter((e) => e.type !== "directory" && match(e.rel));
        if (hits.length === 0) work.push(skip(path, "nothing matches", ctx));
        for (const hit of hits) work.push(deleteWork(hit.path, `matches ${glob}`, ctx));
        continue;
      }
      const found = foundAt.get(path);
      if (!found) {
        work.push(ctx.planned.remote.has(path) ? deleteWork(path, "created by an earlier step", ctx) : skip(path, "absent", ctx));
      } else if (found.type === "directory") {
        throw new PlanError(`${path} is a directory: use an rmdir step`);
      } else {
        work.push(deleteWork(path, "exists", ctx));
      }
    }
    return work;
  }
};

export {
  rm
};
