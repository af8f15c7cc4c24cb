import {
  dirname,
  join
} from "./chunk-ZN2EVIR7.js";
import {
  FtpPermanentError
} from "./chunk-UN72SBEK.js";

// src/runner/_local_tree.ts
var MAX_LOCAL_ENTRIES = 5e6;
async function statLocal(path) {
  try {
    return await Deno.stat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return void 0;
    throw error;
  }
}
var STATS_IN_FLIGHT = 32;
async function statLocalAll(paths) {
  const found = /* @__PURE__ */ new Map();
  const perDirectory = /* @__PURE__ */ new Map();
  for (const path of paths) {
    const dir = dirname(path);
    perDirectory.set(dir, (perDirectory.get(dir) ?? 0) + 1);
  }
  const vacant = new Set([
    ...perDirectory
  ].filter(([dir, n]) => n >= STATS_IN_FLIGHT && emptyOrMissing(dir)).map(([dir]) => dir));
  const toStat = paths.filter((path) => {
    if (!vacant.has(dirname(path))) return true;
    found.set(path, void 0);
    return false;
  });
  for (let i = 0; i < toStat.length; i += STATS_IN_FLIGHT) {
    const batch = toStat.slice(i, i + STATS_IN_FLIGHT);
    const infos = await Promise.all(batch.map(statLocal));
    batch.forEach((path, j) => found.set(path, infos[j]));
  }
  return found;
}
function emptyOrMissing(dir) {
  try {
    for (const _ of Deno.readDirSync(dir)) return false;
    return true;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}
async function readLocalTree(root, filter, warn, skipped) {
  const skip = (rel, message) => {
    warn(message);
    skipped?.set(rel, message);
  };
  const entries = /* @__PURE__ */ new Map();
  const stack = [
    ""
  ];
  while (stack.length > 0) {
    const dir = stack.pop();
    const below = [];
    for await (const item of Deno.readDir(join(root, dir))) {
      const rel = dir === "" ? item.name : `${dir}/${item.name}`;
      const path = join(root, rel);
      let info;
      try {
        info = item.isSymlink ? await Deno.stat(path) : await Deno.lstat(path);
      } catch {
        skip(rel, `Skipped ${path}: a broken symbolic link`);
        continue;
      }
      if (info.isDirectory) {
        if (item.isSymlink) {
          skip(rel, `Skipped ${path}: a symbolic link to a directory (not followed)`);
          continue;
        }
        if (filter?.prunes(rel)) continue;
        entries.set(rel, {
          rel,
          path,
          type: "directory",
          size: 0,
          mtime: info.mtime ?? void 0
        });
        below.push(rel);
      } else if (info.isFile) {
        entries.set(rel, {
          rel,
          path,
          type: "file",
          size: info.size,
          mtime: info.mtime ?? void 0
        });
      } else {
        skip(rel, `Skipped ${path}: not a regular file`);
      }
      if (entries.size > MAX_LOCAL_ENTRIES) {
        throw new Error(`${root} holds more than ${MAX_LOCAL_ENTRIES} entries; narrow the step`);
      }
    }
    stack.push(...below.reverse());
  }
  return entries;
}
async function holdsFile(root, filter) {
  const stack = [
    ""
  ];
  let seen = 0;
  while (stack.length > 0) {
    const dir = stack.pop();
    for await (const item of Deno.readDir(join(root, dir))) {
      if (++seen > MAX_LOCAL_ENTRIES) {
        throw new Error(`${root} holds more than ${MAX_LOCAL_ENTRIES} entries; narrow the step`);
      }
      const rel = dir === "" ? item.name : `${dir}/${item.name}`;
      let info = item;
      if (item.isSymlink) {
        try {
          info = await Deno.stat(join(root, rel));
        } catch {
          continue;
        }
      }
      if (info.isDirectory) {
        if (!item.isSymlink && !filter.prunes(rel)) stack.push(rel);
      } else if (info.isFile && filter.includes(rel)) return true;
    }
  }
  return false;
}

// src/runner/_compare.ts
var TOLERANCE_MS = 1e3;
function decide(policy, source, destination, destinationTimesSettable) {
  if (!destination) return {
    transfer: true,
    reason: "new"
  };
  if (policy === "always") return {
    transfer: true,
    reason: "overwrite: always"
  };
  if (policy === "never") return {
    transfer: false,
    reason: "exists (overwrite: never)"
  };
  const s = source.mtime?.getTime();
  const d = destination.mtime?.getTime();
  if (policy === "newer") {
    if (s === void 0 || d === void 0) {
      return {
        transfer: false,
        reason: "exists, times unknown (overwrite: newer)"
      };
    }
    return s > d + TOLERANCE_MS ? {
      transfer: true,
      reason: "source is newer"
    } : {
      transfer: false,
      reason: "up to date (not newer)"
    };
  }
  if (source.size !== void 0 && destination.size !== void 0 && source.size !== destination.size) {
    return {
      transfer: true,
      reason: "size differs"
    };
  }
  if (s === void 0 || d === void 0) {
    return {
      transfer: false,
      reason: "up to date (same size)"
    };
  }
  if (Math.abs(s - d) < TOLERANCE_MS) return {
    transfer: false,
    reason: "up to date"
  };
  if (!destinationTimesSettable && d >= s) {
    return {
      transfer: false,
      reason: "up to date (same size, destination newer)"
    };
  }
  return {
    transfer: true,
    reason: "modified"
  };
}

// src/runner/_exact_times.ts
async function exactTimes(entries, ctx) {
  const inexact = entries.filter((e) => !e.exact && e.type === "file");
  if (inexact.length === 0) return;
  const times = await ctx.client.lastModifiedAll(inexact.map((e) => e.path), {
    signal: ctx.signal
  });
  inexact.forEach((entry, i) => {
    const time = times[i];
    if (time instanceof Date) {
      entry.modified = time;
      entry.exact = true;
      return;
    }
    if (!(time instanceof FtpPermanentError)) throw time;
    entry.modified = void 0;
  });
}

export {
  statLocal,
  statLocalAll,
  readLocalTree,
  holdsFile,
  decide,
  exactTimes
};
