import {
  remoteRelative
} from "./chunk-2IPWHU7E.js";
import {
  FtpPermanentError
} from "./chunk-UN72SBEK.js";

// src/runner/_remote_tree.ts
function isExactTime(info) {
  return info.modified !== void 0 && info.modifiedIsUtc === true && (info.modifiedPrecision === "second" || info.modifiedPrecision === "millisecond");
}
async function statRemote(client, path, signal) {
  try {
    return remoteEntry(path, await client.stat(path, {
      signal
    }));
  } catch (error) {
    if (isMissing(error)) return void 0;
    throw error;
  }
}
async function statRemoteAll(client, paths, signal) {
  if (paths.length === 0) return [];
  const found = await client.statAll([
    ...paths
  ], {
    signal
  });
  return found.map((info, i) => {
    if (!(info instanceof Error)) return remoteEntry(paths[i], info);
    if (isMissing(info)) return void 0;
    throw info;
  });
}
function remoteEntry(path, info) {
  return {
    rel: info.name,
    path,
    type: info.type,
    size: info.size,
    modified: info.modified,
    exact: isExactTime(info)
  };
}
function isMissing(error) {
  return error instanceof FtpPermanentError && error.code === 550;
}
async function statRemoteDirectory(client, path, signal) {
  if (!client.features.has("MLST") && !path.endsWith("/")) {
    const directory = await statRemote(client, `${path}/`, signal);
    if (directory?.type === "directory") return {
      ...directory,
      path
    };
  }
  return await statRemote(client, path, signal);
}
function hasDotSegment(rel) {
  return rel.split("/").some((segment) => segment.startsWith("."));
}
function nothingHidden() {
  return {
    paths: /* @__PURE__ */ new Map(),
    unreadable: /* @__PURE__ */ new Map()
  };
}
function noteWarning(message, root, hidden) {
  const relative = (path) => path === root ? "" : remoteRelative(root, path);
  const skipped = /^Skipped ("(?:[^"\\]|\\.)*") listed in ([\s\S]*): the entry ([\s\S]*)$/.exec(message);
  if (skipped) {
    const dir = relative(skipped[2]);
    const text = JSON.parse(skipped[1]);
    if (skipped[3] === "could not be parsed") {
      hidden.unreadable.set(dir, [
        ...hidden.unreadable.get(dir) ?? [],
        text
      ]);
    } else {
      hidden.paths.set(dir === "" ? text : `${dir}/${text}`, `the listing skipped it (${skipped[3]})`);
    }
    return;
  }
  const notEntered = /^Not entering ([\s\S]*): deeper than \d+ levels$/.exec(message) ?? /^Not following ([\s\S]*?) -> [\s\S]*: it leads back into the walk$/.exec(message);
  if (notEntered) hidden.paths.set(relative(notEntered[1]), message);
  else if (/^(Skipped|Not entering|Not following) /.test(message)) hidden.paths.set("", message);
}
async function readRemoteTree(client, root, descend, signal, hidden, spread) {
  const entries = /* @__PURE__ */ new Map();
  const onWarning = (event) => {
    if (hidden) noteWarning(event.message, root, hidden);
  };
  client.addEventListener("warning", onWarning);
  try {
    const walk = client.walk(root, {
      signal,
      filter: (entry) => entry.type !== "directory" || descend(remoteRelative(root, entry.path)),
      // Directories are listed a few at once over the pool: each listing
      // costs round trips, which the connections then wait for together.
      list: spread && ((dir) => spread.list(dir)),
      readAhead: spread && spread.width > 1 ? spread.width : 0
    });
    for await (const entry of walk) {
      const rel = remoteRelative(root, entry.path);
      entries.set(rel, {
        rel,
        path: entry.path,
        type: entry.type,
        size: entry.size,
        modified: entry.modified,
        exact: isExactTime(entry)
      });
      if (entry.type === "symlink" || entry.type === "unknown") {
        const what = entry.type === "symlink" ? "a link (not followed)" : "of unknown type";
        hidden?.paths.set(rel, `${entry.path} is ${what}`);
      }
    }
  } finally {
    client.removeEventListener("warning", onWarning);
  }
  if (hidden && (spread ? spread.mayMissDotFiles() : client.listingsMayMissDotFiles)) {
    hidden.dotFiles = "the server's listings may leave out names that start with a dot";
  }
  return entries;
}

export {
  statRemote,
  statRemoteAll,
  statRemoteDirectory,
  hasDotSegment,
  nothingHidden,
  readRemoteTree
};
