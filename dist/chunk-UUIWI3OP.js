import {
  PlanError
} from "./chunk-2IPWHU7E.js";
import {
  Phase,
  serverCommand
} from "./chunk-LFXU7JLJ.js";
import {
  FtpPermanentError
} from "./chunk-UN72SBEK.js";

// src/runner/_plan_delete.ts
function removeRemoteFile(path) {
  return {
    action: "delete",
    path,
    run: serverCommand((client, signal) => client.remove(path, {
      signal
    })),
    // A retry that finds the file gone: the lost reply was a success.
    tolerate: (error, attempt) => attempt > 1 && error instanceof FtpPermanentError && error.code === 550 ? "already absent" : void 0
  };
}
function removeRemoteDir(path) {
  return {
    action: "rmdir",
    path,
    run: serverCommand((client, signal) => client.rmdir(path, {
      signal
    })),
    tolerate: (error) => error instanceof FtpPermanentError ? "kept: not empty (holds excluded or unlisted entries)" : void 0
  };
}
function planDeletions(d, ctx) {
  const extraFiles = [
    ...d.destination.values()
  ].filter((e) => e.type !== "directory" && !d.source.has(e.rel) && d.filter.includes(e.rel));
  const extraDirs = [
    ...d.destination.values()
  ].filter((e) => e.type === "directory" && d.source.get(e.rel)?.type !== "directory" && !d.filter.prunes(e.rel));
  const hasFiles = d.sourceHasFiles ?? [
    ...d.source
  ].some(([rel, e]) => e.type === "file" && d.filter.includes(rel));
  if (!hasFiles && extraFiles.length > 0) {
    throw new PlanError(`${d.from} has no files to sync, so delete would remove ${d.sourceHasFiles === void 0 ? "all " : ""}${extraFiles.length} files under ${d.to}; refusing. Use an rm or rmdir step if that is what you want`);
  }
  const kept = /* @__PURE__ */ new Map();
  const keep = (e) => {
    const hidden = hiddenRoot(e.rel, d.hidden, d.source);
    if (!hidden) return false;
    const note = kept.get(hidden.root) ?? {
      count: 0,
      reason: hidden.reason
    };
    note.count++;
    kept.set(hidden.root, note);
    return true;
  };
  const work = [];
  for (const e of extraFiles) {
    if (!keep(e)) {
      work.push({
        id: ctx.id(),
        phase: Phase.delete,
        reason: "extraneous",
        ...d.removeFile(e)
      });
    }
  }
  const deepestFirst = extraDirs.sort((a, b) => b.rel.split("/").length - a.rel.split("/").length);
  for (const e of deepestFirst) {
    if (!keep(e)) {
      work.push({
        id: ctx.id(),
        phase: Phase.rmdir,
        reason: "extraneous",
        ...d.removeDir(e)
      });
    }
  }
  for (const [root, { count, reason }] of kept) {
    ctx.warn(`Not deleting ${count} ${count === 1 ? "entry" : "entries"} at ${d.to}${root === "" ? "" : `/${root}`}: ${reason}`);
  }
  return work;
}
function hiddenRoot(rel, hidden, source) {
  const below = (dir) => dir === "" || rel === dir || rel.startsWith(`${dir}/`);
  for (const [root, reason] of hidden.paths) if (below(root)) return {
    root,
    reason
  };
  if (hidden.dotFiles !== void 0) {
    const segments = rel.split("/");
    const dot = segments.findIndex((segment) => segment.startsWith("."));
    if (dot !== -1) return {
      root: segments.slice(0, dot + 1).join("/"),
      reason: hidden.dotFiles
    };
  }
  for (const [dir, lines] of hidden.unreadable) {
    if (dir === rel || !below(dir)) continue;
    const child = rel.slice(dir === "" ? 0 : dir.length + 1).split("/")[0];
    const root = dir === "" ? child : `${dir}/${child}`;
    if (!source.has(root) && lines.some((line) => line.includes(child))) {
      const line = lines.find((l) => l.includes(child));
      return {
        root,
        reason: `a line of the server's listing that could not be read may name it: ` + JSON.stringify(line)
      };
    }
  }
  return void 0;
}

export {
  removeRemoteFile,
  removeRemoteDir,
  planDeletions
};
