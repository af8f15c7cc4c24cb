import {
  planDirectories
} from "./chunk-XBKAXUNN.js";
import {
  DirectoryBatch
} from "./chunk-FW2PYL6C.js";
import {
  pathListAction
} from "./chunk-GOUEWUCF.js";
import {
  PlanError
} from "./chunk-2IPWHU7E.js";

// src/runner/steps/mkdir.ts
var mkdir = {
  kind: "mkdir",
  ...pathListAction("mkdir"),
  plan(step, ctx) {
    const missing = [];
    let batch;
    return planDirectories(step.paths, ctx, {
      action: "mkdir",
      decide(path, found) {
        if (found?.type === "directory") return {
          skip: "exists"
        };
        if (found) throw new PlanError(`${path} exists and is not a directory`);
        ctx.planned.remote.set(path, "directory");
        missing.push(path);
        return {
          change: "missing"
        };
      },
      run: (client, path, signal) => (batch ??= new DirectoryBatch(missing, [], true)).make(client, path, signal)
    });
  }
};

export {
  mkdir
};
