import {
  actionSchema,
  list
} from "./chunk-GOUEWUCF.js";
import {
  PlanError,
  baseName,
  globMatcher,
  remoteDirname,
  remoteRelative,
  splitGlob
} from "./chunk-2IPWHU7E.js";
import {
  Phase,
  serverCommand
} from "./chunk-LFXU7JLJ.js";
import {
  FtpPermanentError,
  FtpUnsupportedError
} from "./chunk-UN72SBEK.js";

// src/runner/steps/chmod.ts
var MODE = /^[0-7]{3,4}$/;
var MODE_ERROR = 'expected the mode as 3 or 4 octal digits in quotes, such as "755" or "0640" (in YAML, 0755 without quotes is a number)';
var schema = actionSchema()((s) => s.strict({
  path: s.paths.meta({
    description: "Remote files, directories or globs (*, **)."
  }),
  mode: s.z.string({
    error: MODE_ERROR
  }).regex(MODE, {
    error: MODE_ERROR
  }).meta({
    description: 'Octal digits as a string, such as "755" or "0640".'
  })
}, "chmod").meta({
  description: "Sets permissions with SITE CHMOD."
}));
function meansUnsupported(error) {
  if (error.code === 500 || error.code === 502 || error.code === 504) return true;
  return error.code >= 500 && /\b(SITE|CHMOD)\b/i.test(error.text) && /unknown|unsupported|disabled|unrecogni[sz]ed|not (understood|implemented|supported|recogni[sz]ed|enabled|available)/i.test(error.text);
}
async function siteChmod(client, target, mode, signal) {
  try {
    await client.site(`CHMOD ${mode} ${target}`, {
      signal
    });
  } catch (error) {
    if (error instanceof FtpPermanentError && meansUnsupported(error)) {
      throw new FtpUnsupportedError(`The server does not support SITE CHMOD (it answered "${error.code} ${error.text}"): set the modes another way (the host's control panel, ssh), or remove the chmod step`);
    }
    throw error;
  }
}
async function statPath(client, path, signal) {
  try {
    return await client.stat(path, {
      signal
    });
  } catch (error) {
    if (error instanceof FtpPermanentError && error.code === 550) return void 0;
    throw error;
  }
}
async function matches(path, base, glob, ctx) {
  const match = globMatcher(glob);
  const root = base === "" ? void 0 : await statPath(ctx.client, base, ctx.signal);
  const found = [];
  if (base === "" || root?.type === "directory") {
    const crosses = glob.includes("/") || glob.includes("**");
    const walk = ctx.client.walk(base, {
      signal: ctx.signal,
      filter: (entry) => entry.type !== "directory" || crosses
    });
    for await (const entry of walk) {
      if (!match(remoteRelative(base, entry.path))) continue;
      if (entry.type === "file" || entry.type === "directory") found.push(entry);
      else ctx.warn(`Skipped ${entry.path}: ${describe(entry)}`);
    }
  } else if (root) {
    throw new PlanError(`${path}: ${base} is not a remote directory`);
  }
  for (const [planned] of ctx.planned.remote) {
    const inside = base === "" || planned.startsWith(`${base}/`);
    if (inside && match(remoteRelative(base, planned)) && !found.some((f) => f.path === planned)) {
      found.push({
        path: planned,
        reason: "created by an earlier step"
      });
    }
  }
  return found.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}
async function listedMode(path, parents, ctx) {
  const parent = remoteDirname(path);
  let listing = parents.get(parent);
  if (!listing) {
    listing = Promise.resolve(ctx.client.list(parent, {
      signal: ctx.signal
    })).catch((error) => {
      if (error instanceof FtpPermanentError) return [];
      throw error;
    });
    parents.set(parent, listing);
  }
  const name = baseName(path);
  return (await listing).find((entry) => entry.name === name)?.permissions;
}
function octal(bits) {
  return bits.toString(8).padStart(3, "0");
}
function describe(entry) {
  return entry.type === "symlink" ? "a symbolic link (not changed)" : "of unknown type";
}
var chmod = {
  kind: "chmod",
  schema,
  resolve: ({ path, mode }) => ({
    name: `chmod ${list(path).join(" ")} ${mode}`,
    fields: {
      paths: list(path),
      mode
    }
  }),
  async plan({ paths, mode }, ctx) {
    const wanted = parseInt(mode, 8);
    const work = [];
    const parents = /* @__PURE__ */ new Map();
    let first = true;
    for (const path of paths) {
      let targets;
      const { base, glob } = await splitGlob(path);
      if (glob) {
        targets = await matches(path, base, glob, ctx);
        if (targets.length === 0) {
          work.push({
            id: ctx.id(),
            action: "skip",
            path,
            reason: "nothing matches",
            phase: Phase.transfer
          });
        }
      } else {
        const found = await statPath(ctx.client, path, ctx.signal);
        if (!found && !ctx.planned.remote.has(path)) {
          throw new PlanError(`${path} does not exist on the server`);
        }
        targets = [
          found ? {
            path,
            permissions: found.permissions ?? await listedMode(path, parents, ctx)
          } : {
            path,
            reason: "created by an earlier step"
          }
        ];
      }
      for (const target of targets) {
        const known = target.permissions;
        if (known === wanted) {
          work.push({
            id: ctx.id(),
            action: "skip",
            path: target.path,
            reason: `already ${octal(wanted)}`,
            phase: Phase.transfer
          });
          continue;
        }
        work.push({
          id: ctx.id(),
          action: "chmod",
          path: target.path,
          reason: target.reason ?? (known === void 0 ? `\u2192 ${octal(wanted)} (the listing shows no mode)` : `${octal(known)} \u2192 ${octal(wanted)}`),
          // The first runs alone (the phase that runs first, one at a time).
          phase: first ? Phase.mkdir : Phase.transfer,
          run: serverCommand((client, signal) => siteChmod(client, target.path, mode, signal))
        });
        first = false;
      }
    }
    return work;
  },
  actions: {
    chmod: {
      symbol: "*",
      counts: "changed"
    }
  }
};

export {
  chmod
};
