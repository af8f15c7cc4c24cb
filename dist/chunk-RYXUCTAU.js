import {
  planGet
} from "./chunk-7SQRNWOX.js";
import {
  actionSchema,
  list,
  localPath
} from "./chunk-GOUEWUCF.js";
import {
  dirname
} from "./chunk-ZN2EVIR7.js";

// src/runner/steps/get.ts
var schema = actionSchema()((s) => s.strict({
  from: s.paths,
  to: s.z.string().min(1),
  overwrite: s.overwrite.optional(),
  resume: s.z.boolean().optional(),
  segments: s.z.number().int().min(1).max(16).optional(),
  filter: s.filter.optional()
}, "get"));
var get = {
  kind: "get",
  schema,
  resolve: (g, at) => ({
    name: `get ${list(g.from).join(" ")} \u2192 ${g.to}`,
    fields: {
      from: list(g.from),
      to: localPath(at.baseDir, g.to),
      overwrite: g.overwrite ?? "different",
      resume: g.resume ?? false,
      segments: g.segments ?? 1,
      filter: g.filter ?? []
    }
  }),
  plan: planGet,
  writesLocal: () => true,
  permissions: (step) => {
    const to = step.to.replace(/[/\\]$/, "");
    const target = /[/\\]$/.test(step.to) || step.from.length > 1 ? to : dirname(to);
    return Promise.resolve({
      read: [
        target
      ],
      write: [
        target
      ]
    });
  }
};

export {
  get
};
