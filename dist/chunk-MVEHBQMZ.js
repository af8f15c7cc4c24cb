import {
  PlanError,
  TransientRunError
} from "./chunk-2IPWHU7E.js";
import {
  FtpSizeMismatchError
} from "./chunk-UN72SBEK.js";

// src/runner/_targets.ts
var LOCAL_CASE_INSENSITIVE = Deno.build.os === "darwin" || Deno.build.os === "windows";
function assertDistinctTargets(files, dirs, ignoreCase) {
  const key = (path) => ignoreCase ? path.toLowerCase() : path;
  const directories = new Set(dirs.map(key));
  const seen = /* @__PURE__ */ new Map();
  for (const { source, target } of files) {
    const k = key(target);
    const other = seen.get(k);
    if (other !== void 0) {
      throw new PlanError(`${other} and ${source} would both be written to ${target}: give them different destinations (a step each, or narrower globs)`);
    }
    if (directories.has(k)) {
      throw new PlanError(`${source} would be written to ${target}, where a directory goes`);
    }
    seen.set(k, source);
  }
}

// src/runner/_transfer_context.ts
async function transferOutcome(transfer) {
  try {
    const { bytes, resumedFrom } = await transfer;
    return resumedFrom ? {
      bytes,
      resumedFrom
    } : {
      bytes
    };
  } catch (error) {
    if (error instanceof FtpSizeMismatchError) {
      throw new TransientRunError(error.message, {
        cause: error
      });
    }
    throw error;
  }
}

export {
  LOCAL_CASE_INSENSITIVE,
  assertDistinctTargets,
  transferOutcome
};
