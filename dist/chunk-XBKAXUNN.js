import {
  statRemoteAll
} from "./chunk-GKD4NT2B.js";
import {
  Phase,
  serverCommand
} from "./chunk-LFXU7JLJ.js";

// src/runner/steps/_directories.ts
async function planDirectories(paths, ctx, how) {
  const phase = Phase[how.action];
  const work = [];
  const found = await statRemoteAll(ctx.client, paths, ctx.signal);
  for (const [i, path] of paths.entries()) {
    const verdict = how.decide(path, found[i]);
    if ("skip" in verdict) {
      work.push({
        id: ctx.id(),
        action: "skip",
        path,
        reason: verdict.skip,
        phase
      });
      continue;
    }
    work.push({
      id: ctx.id(),
      action: how.action,
      path,
      reason: verdict.change,
      phase,
      run: serverCommand((client, signal) => how.run(client, path, signal))
    });
  }
  return work;
}

export {
  planDirectories
};
