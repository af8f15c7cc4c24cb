import {
  planSyncUp
} from "./chunk-QFXLK4HJ.js";
import {
  planSyncDown
} from "./chunk-7SQRNWOX.js";
import {
  actionSchema,
  localPath
} from "./chunk-GOUEWUCF.js";

// src/runner/steps/sync.ts
var schema = actionSchema()((s) => s.strict({
  direction: s.z.enum([
    "up",
    "down"
  ]),
  local: s.z.string().min(1),
  remote: s.z.string().min(1),
  delete: s.z.boolean().optional(),
  overwrite: s.overwrite.optional(),
  atomic: s.z.boolean().optional(),
  resume: s.z.boolean().optional(),
  filter: s.filter.optional()
}, "sync"));
var sync = {
  kind: "sync",
  schema,
  resolve: (s, at) => {
    const localAt = s.direction === "up" ? at.locate?.([
      "local"
    ]) : void 0;
    return {
      name: `sync ${s.direction === "up" ? `${s.local} \u2192 ${s.remote}` : `${s.remote} \u2192 ${s.local}`}`,
      sourcesAt: localAt && [
        localAt
      ],
      fields: {
        direction: s.direction,
        local: localPath(at.baseDir, s.local),
        remote: s.remote,
        delete: s.delete ?? false,
        overwrite: s.overwrite ?? "different",
        atomic: s.atomic ?? false,
        resume: s.resume ?? false,
        filter: s.filter ?? []
      }
    };
  },
  plan: (step, ctx) => step.direction === "up" ? planSyncUp(step, ctx) : planSyncDown(step, ctx),
  sources: (step) => Promise.resolve(step.direction === "up" ? [
    {
      path: step.local,
      folder: true
    }
  ] : []),
  writesLocal: (step) => step.direction === "down",
  permissions: (step) => {
    const local = step.local.replace(/[/\\]$/, "");
    return Promise.resolve({
      read: [
        local
      ],
      write: step.direction === "down" ? [
        local
      ] : []
    });
  },
  // Only upward: watch mode keeps the server in step with local changes.
  watch: (step) => Promise.resolve(step.direction === "up" ? {
    sources: [
      {
        path: step.local.replace(/(?<=.)[/\\]+$/, ""),
        type: "folder"
      }
    ],
    remote: step.remote,
    filter: step.filter,
    overwrite: step.overwrite,
    atomic: step.atomic,
    delete: step.delete
  } : void 0)
};

export {
  sync
};
