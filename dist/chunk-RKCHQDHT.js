import {
  decide,
  exactTimes,
  readLocalTree,
  statLocal
} from "./chunk-LZUWT6VM.js";
import {
  hasDotSegment,
  nothingHidden,
  readRemoteTree,
  statRemote,
  statRemoteAll
} from "./chunk-GKD4NT2B.js";
import {
  actionSchema,
  localPath
} from "./chunk-GOUEWUCF.js";
import {
  PlanError,
  TransientRunError,
  compileFilter,
  joinRemote
} from "./chunk-2IPWHU7E.js";
import {
  Phase
} from "./chunk-LFXU7JLJ.js";
import {
  FtpError
} from "./chunk-UN72SBEK.js";

// src/runner/steps/verify.ts
import { basename, join } from "node:path";

// src/runner/steps/_verify_checksum.ts
var CHECKSUMS = [
  {
    algorithm: "SHA-256",
    command: "HASH"
  },
  {
    algorithm: "SHA-256",
    command: "XSHA256"
  },
  {
    algorithm: "SHA-512",
    command: "HASH"
  },
  {
    algorithm: "SHA-512",
    command: "XSHA512"
  },
  {
    algorithm: "SHA-1",
    command: "HASH"
  },
  {
    algorithm: "SHA-1",
    command: "XSHA1"
  },
  {
    algorithm: "MD5",
    command: "HASH"
  },
  {
    algorithm: "MD5",
    command: "XMD5"
  },
  {
    algorithm: "MD5",
    command: "MD5"
  },
  {
    algorithm: "CRC32",
    command: "HASH"
  },
  {
    algorithm: "CRC32",
    command: "XCRC"
  }
];
function hashOffers(client) {
  const list = (client.features.get("HASH") ?? "").split(";").map((a) => a.trim().toUpperCase());
  return {
    all: list.map((a) => a.replace(/\*$/, "")).filter((a) => a !== ""),
    current: list.find((a) => a.endsWith("*"))?.slice(0, -1)
  };
}
function chooseChecksum(client) {
  const hash = hashOffers(client);
  return CHECKSUMS.find((c) => c.command === "HASH" ? client.features.has("HASH") && hash.all.includes(c.algorithm) : client.features.has(c.command));
}
var hashChosen = /* @__PURE__ */ new WeakMap();
var lastLine = (text) => text.split("\n").pop().trim();
async function remoteChecksum(client, path, how, signal) {
  if (how.command === "HASH") {
    for (let attempt = 1; ; attempt++) {
      if (hashChosen.get(client) !== how.algorithm && hashOffers(client).current !== how.algorithm) {
        await client.voidCommand(`OPTS HASH ${how.algorithm}`, {
          signal
        });
        hashChosen.set(client, how.algorithm);
      }
      const [algorithm, , hex] = lastLine((await client.command(`HASH ${path}`, {
        signal
      })).text).split(" ");
      if (algorithm?.toUpperCase() === how.algorithm) return checkHex(hex, how);
      if (attempt > 1) throw new FtpError(`HASH answered in ${algorithm}, not ${how.algorithm}`);
      hashChosen.delete(client);
    }
  }
  const name = how.command !== "MD5" && path.includes(" ") ? `"${path}"` : path;
  const words = lastLine((await client.command(`${how.command} ${name}`, {
    signal
  })).text).split(" ");
  return checkHex(how.command === "MD5" ? words[words.length - 1] : words[0], how);
}
function checkHex(hex, how) {
  if (hex === void 0 || !/^[0-9a-f]+$/i.test(hex)) {
    throw new FtpError(`${how.command} gave no ${how.algorithm} checksum (${hex ?? "nothing"})`);
  }
  return how.algorithm === "CRC32" ? hex.toLowerCase().padStart(8, "0") : hex.toLowerCase();
}
async function hasher(algorithm) {
  if (algorithm === "CRC32") {
    const { crc32 } = await import("node:zlib");
    let crc = 0;
    return {
      update: (chunk) => void (crc = crc32(chunk, crc)),
      hex: () => crc.toString(16).padStart(8, "0")
    };
  }
  const { createHash } = await import("node:crypto");
  const hash = createHash(algorithm.replace("-", "").toLowerCase());
  return {
    update: (chunk) => void hash.update(chunk),
    hex: () => hash.digest("hex")
  };
}
async function localChecksum(path, algorithm) {
  const hash = await hasher(algorithm);
  using file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.hex();
}
async function downloadedChecksum(client, path, run) {
  const hash = await hasher("SHA-256");
  let bytes = 0;
  for await (const chunk of await client.download(path, {
    signal: run.signal
  })) {
    hash.update(chunk);
    bytes += chunk.length;
    run.progress(bytes);
  }
  return {
    hex: hash.hex(),
    bytes
  };
}

// src/runner/steps/verify.ts
var VerifyError = class extends FtpError {
  /** What differs. */
  code;
  /**
   * Creates the error.
   *
   * @param code What differs.
   * @param message How, with both sides' values.
   *
   * @example
   * ```ts
   * import { VerifyError } from "@ferry/ftp/runner";
   * const error = new VerifyError("size", "size differs: 12 bytes here, 6 on the server");
   * console.log(error.code); // "size"
   * ```
   */
  constructor(code, message) {
    super(message);
    this.name = "VerifyError";
    this.code = code;
  }
  /** `false`: a difference stays until a transfer changes one side. */
  get retryable() {
    return false;
  }
};
var schema = actionSchema()((s) => s.strict({
  local: s.z.string().min(1).meta({
    description: "The local file or directory."
  }),
  remote: s.z.string().min(1).meta({
    description: "The remote file or directory."
  }),
  by: s.z.enum([
    "size",
    "size+time",
    "hash",
    "download"
  ]).optional().meta({
    description: "size; size+time (default); hash: the server's checksum (HASH, XSHA256, ...); download: the remote bytes, hashed as they stream."
  }),
  filter: s.filter.optional()
}, "verify").meta({
  description: "Compares local and remote files; changes nothing."
}));
var time = (date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
var short = (hex) => `${hex.slice(0, 12)}\u2026`;
function difference(pair) {
  const { local, remote } = pair;
  if (!remote) return new VerifyError("missing-remote", "missing on the server");
  if (!local) return new VerifyError("missing-local", "missing here (only on the server)");
  if (local.type !== remote.type) {
    const there = remote.type === "directory" ? "a directory" : "a file";
    return new VerifyError("type", `a ${local.type} here, ${there} on the server`);
  }
  if (remote.size !== void 0 && local.size !== remote.size) {
    return new VerifyError("size", `size differs: ${local.size} bytes here, ${remote.size} on the server`);
  }
  return void 0;
}
async function pairsOf(step, ctx) {
  const filter = await compileFilter(step.filter);
  const localRoot = step.local.replace(/(?<=.)[/\\]+$/, "");
  const info = await statLocal(localRoot);
  if (!info) throw new PlanError(`${step.local} does not exist`);
  const remoteRoot = step.remote === "/" ? "/" : step.remote.replace(/\/+$/, "");
  if (info.isFile) {
    let remotePath = step.remote;
    let remote = step.remote.endsWith("/") ? void 0 : await statRemote(ctx.client, remotePath, ctx.signal);
    if (step.remote.endsWith("/") || remote?.type === "directory") {
      remotePath = joinRemote(remoteRoot, basename(localRoot));
      remote = await statRemote(ctx.client, remotePath, ctx.signal);
    }
    const local = {
      rel: basename(localRoot),
      path: localRoot,
      type: "file",
      size: info.size,
      mtime: info.mtime ?? void 0
    };
    return [
      {
        rel: local.rel,
        local,
        remote,
        localPath: localRoot,
        remotePath
      }
    ];
  }
  const root = [
    "",
    ".",
    "/"
  ].includes(remoteRoot) ? {
    type: "directory"
  } : await statRemote(ctx.client, remoteRoot, ctx.signal);
  if (!root) {
    if (ctx.planned.remote.get(remoteRoot) === "directory") {
      ctx.warn(`${step.remote} is made by an earlier step: a dry run cannot compare its content`);
      return void 0;
    }
    throw new PlanError(`${step.remote} does not exist on the server: nothing to compare`);
  }
  if (root.type !== "directory") {
    throw new PlanError(`${step.remote} is not a directory on the server`);
  }
  const skipped = /* @__PURE__ */ new Map();
  const locals = await readLocalTree(localRoot, filter, ctx.warn, skipped);
  const hidden = nothingHidden();
  const remotes = await readRemoteTree(ctx.client, remoteRoot, (rel) => !filter.prunes(rel), ctx.signal, hidden);
  const under = (rel, roots) => [
    ...roots
  ].some((r) => r === "" || rel === r || rel.startsWith(`${r}/`));
  const pairs = [];
  const unlisted = [];
  for (const rel of /* @__PURE__ */ new Set([
    ...locals.keys(),
    ...remotes.keys()
  ])) {
    const local = locals.get(rel);
    const remote = remotes.get(rel);
    const isFile = local?.type === "file" || remote?.type === "file";
    if (!isFile || !filter.includes(rel)) continue;
    if (remote && remote.type !== "file" && remote.type !== "directory") {
      ctx.warn(`Not compared: ${remote.path} is ${remote.type === "symlink" ? "a link" : "of unknown type"}`);
      continue;
    }
    const remotePath = joinRemote(remoteRoot, rel);
    if (!local && under(rel, skipped.keys())) continue;
    const pair = {
      rel,
      local,
      remote,
      localPath: join(localRoot, rel),
      remotePath
    };
    if (!remote && (hidden.dotFiles && hasDotSegment(rel) || under(rel, hidden.paths.keys()) || hidden.unreadable.size > 0)) {
      unlisted.push(pair);
    }
    pairs.push(pair);
  }
  const found = await statRemoteAll(ctx.client, unlisted.map((p) => p.remotePath), ctx.signal);
  unlisted.forEach((pair, i) => pair.remote = found[i]);
  const clashes = pairs.filter((p) => p.local && p.remote && p.local.type !== p.remote.type).map((p) => p.rel);
  return pairs.filter((p) => !clashes.some((c) => p.rel.startsWith(`${c}/`))).sort((a, b) => a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0);
}
function byTime(pair, settable) {
  const remoteTime = pair.remote.exact ? pair.remote.modified : void 0;
  const { transfer, reason } = decide("different", {
    size: pair.local.size,
    mtime: pair.local.mtime
  }, {
    size: pair.remote.size,
    mtime: remoteTime
  }, settable);
  if (transfer) {
    return new VerifyError("time", `time differs: ${time(pair.local.mtime)} here, ${time(remoteTime)} on the server`);
  }
  if (reason === "up to date") return "same size and time";
  if (reason.includes("destination newer")) {
    return "same size, newer on the server (which cannot set times)";
  }
  return "same size (the time is not known exactly on both sides)";
}
var verify = {
  kind: "verify",
  schema,
  resolve: (v, at) => ({
    name: `verify ${v.local} \u2194 ${v.remote}${v.by ? ` by ${v.by}` : ""}`,
    sourcesAt: at.locate && [
      at.locate([
        "local"
      ])
    ],
    fields: {
      local: localPath(at.baseDir, v.local),
      remote: v.remote,
      by: v.by ?? "size+time",
      filter: v.filter ?? []
    }
  }),
  async plan(step, ctx) {
    const checksum = step.by === "hash" ? chooseChecksum(ctx.client) : void 0;
    if (step.by === "hash" && !checksum) {
      throw new PlanError(`the server offers no checksum command (FEAT lists none of HASH, ${CHECKSUMS.filter((c) => c.command !== "HASH").map((c) => c.command).join(", ")}): use by: download to compare the contents, or by: size+time`);
    }
    const pairs = await pairsOf(step, ctx) ?? [];
    const unsized = pairs.filter((p) => p.remote?.type === "file" && p.remote.size === void 0);
    await ctx.pooled(unsized, async (client, pair) => {
      pair.remote.size = await client.size(pair.remotePath, {
        signal: ctx.signal
      });
    });
    if (step.by === "size+time") {
      await exactTimes(pairs.filter((p) => p.remote && !difference(p)).map((p) => p.remote), ctx);
    }
    const settable = ctx.client.features.has("MFMT");
    return pairs.map((pair) => {
      const base = {
        id: ctx.id(),
        action: "verify",
        from: pair.localPath,
        path: pair.remotePath,
        phase: Phase.transfer
      };
      if (ctx.planned.remote.has(pair.remotePath)) {
        return {
          ...base,
          reason: "written by an earlier step: compared when the task runs",
          local: true,
          run: () => Promise.resolve({
            bytes: 0
          })
        };
      }
      const found = difference(pair) ?? (step.by === "size+time" ? byTime(pair, settable) : void 0);
      if (found instanceof VerifyError) {
        return {
          ...base,
          reason: found.message,
          local: true,
          run: () => Promise.reject(found)
        };
      }
      if (step.by === "size" || step.by === "size+time") {
        return {
          ...base,
          reason: found ?? "same size",
          local: true,
          run: () => Promise.resolve({
            bytes: 0
          })
        };
      }
      const { localPath: path, remotePath: remote } = pair;
      if (step.by === "hash") {
        const how = checksum;
        return {
          ...base,
          reason: `compare ${how.algorithm} (${how.command})`,
          run: async (client, run) => {
            const [here, there] = await Promise.all([
              localChecksum(path, how.algorithm),
              remoteChecksum(client, remote, how, run.signal)
            ]);
            if (here !== there) {
              throw new VerifyError("content", `content differs: ${how.algorithm} ${short(here)} here, ${short(there)} on the server (${how.command})`);
            }
            return {
              bytes: 0
            };
          }
        };
      }
      const size = pair.remote.size;
      return {
        ...base,
        size,
        reason: "compare the bytes (download)",
        run: async (client, run) => {
          run.started(0);
          const [here, there] = await Promise.all([
            localChecksum(path, "SHA-256"),
            downloadedChecksum(client, remote, run)
          ]);
          if (there.bytes !== size) {
            throw new TransientRunError(`${remote}: received ${there.bytes} of ${size} bytes`);
          }
          if (here !== there.hex) {
            throw new VerifyError("content", `content differs: SHA-256 ${short(here)} here, ${short(there.hex)} on the server (downloaded)`);
          }
          return {
            bytes: there.bytes
          };
        }
      };
    });
  },
  sources: (step) => Promise.resolve([
    {
      path: step.local,
      folder: /[/\\]$/.test(step.local)
    }
  ]),
  permissions: (step) => Promise.resolve({
    read: [
      step.local.replace(/(?<=.)[/\\]+$/, "")
    ]
  }),
  actions: {
    verify: {
      symbol: "\u2261",
      counts: "unchanged"
    }
  }
};

export {
  VerifyError,
  verify
};
