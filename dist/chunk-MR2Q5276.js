import {
  planDirectories
} from "./chunk-XBKAXUNN.js";
import {
  pathListAction
} from "./chunk-GOUEWUCF.js";
import {
  PlanError
} from "./chunk-2IPWHU7E.js";

// src/runner/steps/rmdir.ts
var rmdir = {
  kind: "rmdir",
  article: "an",
  ...pathListAction("rmdir"),
  plan: (step, ctx) => planDirectories(step.paths, ctx, {
    action: "rmdir",
    decide(path, found) {
      if (!found) return {
        skip: "absent"
      };
      if (found.type !== "directory") {
        throw new PlanError(`${path} is not a directory: use an rm step`);
      }
      return {
        change: "exists"
      };
    },
    run: (client, path, signal) => client.rmdir(path, {
      recursive: true,
      signal
    })
  })
};

export {
  rmdir
};
