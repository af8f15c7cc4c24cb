import {
  planPut
} from "./chunk-QFXLK4HJ.js";
import {
  statLocal
} from "./chunk-LZUWT6VM.js";
import {
  actionSchema,
  list,
  localBase,
  localPath,
  sourceOf
} from "./chunk-GOUEWUCF.js";
import {
  splitGlob
} from "./chunk-2IPWHU7E.js";

// src/runner/steps/put.ts
var schema = actionSchema()((s) => s.strict({
  from: s.paths,
  to: s.z.string().min(1),
  overwrite: s.overwrite.optional(),
  atomic: s.z.boolean().optional(),
  filter: s.filter.optional()
}, "put"));
async function watchSpec(step) {
  const sources = await Promise.all(step.from.map(async (from) => {
    const { base, glob } = await splitGlob(from.replaceAll("\\", "/"));
    if (glob) return {
      path: base.replace(/(?<=.)\/+$/, ""),
      type: "folder",
      glob
    };
    const path = from.replace(/(?<=.)[/\\]+$/, "");
    return {
      path,
      type: (await statLocal(path))?.isDirectory ? "folder" : "file"
    };
  }));
  const whole = sources.length === 1 && sources[0].type === "file" && !step.to.endsWith("/");
  return {
    sources,
    remote: whole ? void 0 : step.to,
    filter: step.filter,
    overwrite: step.overwrite,
    atomic: step.atomic,
    delete: false
  };
}
var put = {
  kind: "put",
  schema,
  resolve: (p, at) => ({
    name: `put ${list(p.from).join(" ")} \u2192 ${p.to}`,
    sourcesAt: at.locate && list(p.from).map((_, i) => at.locate(Array.isArray(p.from) ? [
      "from",
      i
    ] : [
      "from"
    ])),
    fields: {
      from: list(p.from).map((f) => localPath(at.baseDir, f)),
      to: p.to,
      overwrite: p.overwrite ?? "different",
      atomic: p.atomic ?? false,
      filter: p.filter ?? []
    }
  }),
  plan: planPut,
  sources: (step) => Promise.all(step.from.map(sourceOf)),
  permissions: async (step) => ({
    read: await Promise.all(step.from.map(localBase))
  }),
  watch: watchSpec
};

export {
  put
};
