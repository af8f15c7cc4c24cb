// src/protocol/remote_path.ts
function joinRemotePath(dir, name) {
  if (dir === "" || dir === ".") return name;
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}
function unsafeNameReason(name) {
  if (name === "") return "is empty";
  if (name === "." || name === "..") return "is a relative directory reference";
  if (/[/\\]/.test(name)) return "contains a path separator";
  if (/[\0\r\n]/.test(name)) return "contains NUL, CR or LF";
  if (/^[A-Za-z]:/.test(name)) return "starts with a drive prefix";
  return void 0;
}

// src/client/_walk.ts
var MAX_WALK_DEPTH = 256;
async function* walkTree(root, source, options = {}) {
  const maxDepth = Math.min(options.maxDepth ?? Infinity, MAX_WALK_DEPTH);
  const stack = [
    {
      path: root,
      depth: 0,
      ancestors: [
        normalize(root)
      ]
    }
  ];
  const readAhead = Math.max(0, Math.floor(options.readAhead ?? 0));
  const ahead = /* @__PURE__ */ new Map();
  const listAhead = () => {
    for (let i = stack.length - 1; i >= 0 && ahead.size < readAhead; i--) {
      if (ahead.has(stack[i])) continue;
      const listing = source.list(stack[i].path);
      listing.catch(() => {
      });
      ahead.set(stack[i], listing);
    }
  };
  while (stack.length > 0) {
    const frame = stack.pop();
    const { path, depth, ancestors } = frame;
    options.signal?.throwIfAborted();
    const listing = ahead.get(frame) ?? source.list(path);
    ahead.delete(frame);
    listAhead();
    const below = [];
    for (const info of await listing) {
      const reason = info.name === "" ? "could not be parsed" : unsafeNameReason(info.name);
      if (reason) {
        source.warn(`Skipped ${JSON.stringify(info.name || info.raw)} listed in ${path}: the entry ${reason}`);
        continue;
      }
      const entry = {
        ...info,
        path: joinRemotePath(path, info.name),
        depth
      };
      if (options.filter && !options.filter(entry)) continue;
      yield entry;
      const enter = entry.type === "directory" || entry.type === "symlink" && options.followSymlinks && await followable(entry, path, ancestors, source);
      if (!enter) continue;
      if (depth + 1 > maxDepth) {
        if (depth + 1 > MAX_WALK_DEPTH) {
          source.warn(`Not entering ${entry.path}: deeper than ${MAX_WALK_DEPTH} levels`);
        }
        continue;
      }
      const target = entry.type === "symlink" && entry.target ? resolve(path, entry.target) : normalize(entry.path);
      below.push({
        path: entry.path,
        depth: depth + 1,
        ancestors: [
          ...ancestors,
          target
        ]
      });
    }
    stack.push(...below.reverse());
    listAhead();
  }
}
async function followable(entry, parent, ancestors, source) {
  if (entry.target && ancestors.includes(resolve(parent, entry.target))) {
    source.warn(`Not following ${entry.path} -> ${entry.target}: it leads back into the walk`);
    return false;
  }
  return await source.isDirectory(entry.path);
}
function normalize(path) {
  const absolute = path.startsWith("/");
  const out = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return (absolute ? "/" : "") + out.join("/");
}
function resolve(base, target) {
  return normalize(target.startsWith("/") ? target : joinRemotePath(base, target));
}

export {
  MAX_WALK_DEPTH,
  walkTree
};
