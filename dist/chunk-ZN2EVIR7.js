// src/std/path.ts
var windows = Deno.build.os === "windows" ? await import("node:path") : void 0;
var SLASH = 47;
var DOT = 46;
function normalizeSegments(path, aboveRoot) {
  let result = "";
  let lastSegmentLength = 0;
  let lastSlash = -1;
  let dots = 0;
  let code = 0;
  for (let i = 0; i <= path.length; ++i) {
    if (i < path.length) code = path.charCodeAt(i);
    else if (code === SLASH) break;
    else code = SLASH;
    if (code === SLASH) {
      if (lastSlash === i - 1 || dots === 1) {
      } else if (dots === 2) {
        if (result.length < 2 || lastSegmentLength !== 2 || result.charCodeAt(result.length - 1) !== DOT || result.charCodeAt(result.length - 2) !== DOT) {
          if (result.length > 2) {
            const lastSlashIndex = result.lastIndexOf("/");
            if (lastSlashIndex === -1) {
              result = "";
              lastSegmentLength = 0;
            } else {
              result = result.slice(0, lastSlashIndex);
              lastSegmentLength = result.length - 1 - result.lastIndexOf("/");
            }
            lastSlash = i;
            dots = 0;
            continue;
          } else if (result.length !== 0) {
            result = "";
            lastSegmentLength = 0;
            lastSlash = i;
            dots = 0;
            continue;
          }
        }
        if (aboveRoot) {
          result += result.length > 0 ? "/.." : "..";
          lastSegmentLength = 2;
        }
      } else {
        const segment = path.slice(lastSlash + 1, i);
        result = result.length > 0 ? `${result}/${segment}` : segment;
        lastSegmentLength = i - lastSlash - 1;
      }
      lastSlash = i;
      dots = 0;
    } else if (code === DOT && dots !== -1) {
      ++dots;
    } else {
      dots = -1;
    }
  }
  return result;
}
function posixResolve(...paths) {
  let resolved = "";
  let absolute = false;
  for (let i = paths.length - 1; i >= -1 && !absolute; i--) {
    const path = i >= 0 ? paths[i] : Deno.cwd();
    if (path.length === 0) continue;
    resolved = `${path}/${resolved}`;
    absolute = path.charCodeAt(0) === SLASH;
  }
  resolved = normalizeSegments(resolved, !absolute);
  if (absolute) return `/${resolved}`;
  return resolved.length > 0 ? resolved : ".";
}
function posixNormalize(path) {
  if (path.length === 0) return ".";
  const absolute = path.charCodeAt(0) === SLASH;
  const trailingSlash = path.charCodeAt(path.length - 1) === SLASH;
  const normalized = normalizeSegments(path, !absolute);
  if (normalized.length === 0) return absolute ? "/" : trailingSlash ? "./" : ".";
  const withSlash = trailingSlash ? `${normalized}/` : normalized;
  return absolute ? `/${withSlash}` : withSlash;
}
function posixJoin(...paths) {
  let joined;
  for (const path of paths) {
    if (path.length > 0) joined = joined === void 0 ? path : `${joined}/${path}`;
  }
  return joined === void 0 ? "." : posixNormalize(joined);
}
function posixRelative(from, to) {
  if (windows) return windows.posix.relative(from, to);
  if (from === to) return "";
  from = posixResolve(from);
  to = posixResolve(to);
  if (from === to) return "";
  const fromStart = 1;
  const fromEnd = from.length;
  const fromLength = fromEnd - fromStart;
  const toStart = 1;
  const toLength = to.length - toStart;
  const length = fromLength < toLength ? fromLength : toLength;
  let lastCommonSlash = -1;
  let i = 0;
  for (; i < length; i++) {
    const fromCode = from.charCodeAt(fromStart + i);
    if (fromCode !== to.charCodeAt(toStart + i)) break;
    else if (fromCode === SLASH) lastCommonSlash = i;
  }
  if (i === length) {
    if (toLength > length) {
      if (to.charCodeAt(toStart + i) === SLASH) return to.slice(toStart + i + 1);
      if (i === 0) return to.slice(toStart + i);
    } else if (fromLength > length) {
      if (from.charCodeAt(fromStart + i) === SLASH) lastCommonSlash = i;
      else if (i === 0) lastCommonSlash = 0;
    }
  }
  let out = "";
  for (i = fromStart + lastCommonSlash + 1; i <= fromEnd; ++i) {
    if (i === fromEnd || from.charCodeAt(i) === SLASH) out += out.length === 0 ? ".." : "/..";
  }
  return `${out}${to.slice(toStart + lastCommonSlash)}`;
}
var SEPARATOR = windows ? "\\" : "/";
function dirname(path) {
  if (windows) return windows.dirname(path);
  if (path.length === 0) return ".";
  const rooted = path.charCodeAt(0) === SLASH;
  let end = -1;
  let matchedSlash = true;
  for (let i = path.length - 1; i >= 1; --i) {
    if (path.charCodeAt(i) === SLASH) {
      if (!matchedSlash) {
        end = i;
        break;
      }
    } else {
      matchedSlash = false;
    }
  }
  if (end === -1) return rooted ? "/" : ".";
  if (rooted && end === 1) return "//";
  return path.slice(0, end);
}
function join(...paths) {
  return windows ? windows.join(...paths) : posixJoin(...paths);
}
function resolve(...paths) {
  return windows ? windows.resolve(...paths) : posixResolve(...paths);
}
function relative(from, to) {
  return windows ? windows.relative(from, to) : posixRelative(from, to);
}
function isAbsolute(path) {
  return windows ? windows.isAbsolute(path) : path.length > 0 && path.charCodeAt(0) === SLASH;
}

export {
  posixRelative,
  SEPARATOR,
  dirname,
  join,
  resolve,
  relative,
  isAbsolute
};
