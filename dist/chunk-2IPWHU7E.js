import {
  PARTIAL_SUFFIX
} from "./chunk-FS6M5UPR.js";
import {
  posixRelative
} from "./chunk-ZN2EVIR7.js";
import {
  FtpError
} from "./chunk-UN72SBEK.js";

// src/runner/_paths.ts
function remoteDirname(path) {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  if (slash === -1) return "";
  return slash === 0 ? "/" : trimmed.slice(0, slash);
}
function baseName(path) {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}
function joinRemote(dir, relativePath) {
  if (relativePath === "") return dir;
  if (dir === "" || dir === ".") return relativePath;
  return dir.endsWith("/") ? dir + relativePath : `${dir}/${relativePath}`;
}
function remoteRelative(root, path) {
  if (root === "" || root === ".") return path;
  const base = root.endsWith("/") ? root : `${root}/`;
  return path.startsWith(base) ? path.slice(base.length) : posixRelative(root, path);
}

// src/runner/errors.ts
var PlanError = class extends FtpError {
  /**
   * Creates the error.
   *
   * @param message What cannot be planned, and what to change.
   * @param options Standard error options, such as `cause`.
   *
   * @example
   * ```ts
   * import { PlanError } from "@ferry/ftp/runner";
   *
   * const error = new PlanError("dist does not exist");
   * console.log(error.name); // "PlanError"
   * ```
   */
  constructor(message, options2) {
    super(message, options2);
    this.name = "PlanError";
  }
  /** `false`: the task must change first. */
  get retryable() {
    return false;
  }
};
var TransientRunError = class extends FtpError {
  /**
   * Creates the error.
   *
   * @param message What came up short, and by how much.
   * @param options Standard error options, such as `cause`.
   *
   * @example
   * ```ts
   * import { TransientRunError } from "@ferry/ftp/runner";
   *
   * const error = new TransientRunError("a.bin: received 10 of 20 bytes");
   * console.log(error.name); // "TransientRunError"
   * ```
   */
  constructor(message, options2) {
    super(message, options2);
    this.name = "TransientRunError";
  }
  /** `true`: the next try (resumed where possible) may get every byte. */
  get retryable() {
    return true;
  }
};
var LocalLinkError = class extends FtpError {
  /** The symbolic link that was in the way. */
  path;
  /**
   * Creates the error for the link at `path`.
   *
   * @param path The symbolic link.
   *
   * @example
   * ```ts
   * import { LocalLinkError } from "@ferry/ftp/runner";
   *
   * const error = new LocalLinkError("/srv/mirror/docs");
   * console.log(error.path, error.message);
   * ```
   */
  constructor(path) {
    super(`${path} is a symbolic link: ferry does not write through links below the local directory (remove the link, or exclude it with a filter)`);
    this.name = "LocalLinkError";
    this.path = path;
  }
  /** `false`: the link stays until someone removes it. */
  get retryable() {
    return false;
  }
};

// src/runner/_filter.ts
var engine;
async function globEngine() {
  engine ??= (await import("picomatch")).default;
  return engine;
}
var MAYBE_GLOB = /[*?[\]{}()!+@\\]/;
var options = {
  dot: true
};
async function compileFilter(rules) {
  const picomatch = rules.length > 0 ? await globEngine() : void 0;
  const compiled = rules.map((rule) => {
    const include = "include" in rule;
    const pattern = include ? rule.include : rule.exclude;
    return {
      include,
      match: picomatch(pattern, options)
    };
  });
  const onlyIncludes = compiled.some((rule) => rule.include);
  const first = (path) => compiled.find((rule) => rule.match(path));
  return {
    includes(path) {
      if (path.endsWith(PARTIAL_SUFFIX)) return false;
      const rule = first(path);
      return rule ? rule.include : !onlyIncludes;
    },
    prunes(path) {
      const rule = first(path);
      return rule !== void 0 && !rule.include;
    }
  };
}
async function splitGlob(path) {
  if (!MAYBE_GLOB.test(path)) return {
    base: path
  };
  const scanned = (await globEngine()).scan(path);
  if (!scanned.isGlob) return {
    base: path
  };
  return {
    base: scanned.base,
    glob: scanned.glob
  };
}
function globMatcher(glob) {
  if (!engine) throw new Error("globMatcher before splitGlob found a glob");
  return engine(glob, options);
}

export {
  remoteDirname,
  baseName,
  joinRemote,
  remoteRelative,
  PlanError,
  TransientRunError,
  LocalLinkError,
  compileFilter,
  splitGlob,
  globMatcher
};
