import {
  statRemote
} from "./chunk-GKD4NT2B.js";
import {
  actionSchema
} from "./chunk-GOUEWUCF.js";
import {
  PlanError
} from "./chunk-2IPWHU7E.js";
import {
  Phase,
  serverCommand
} from "./chunk-LFXU7JLJ.js";

// src/runner/steps/rename.ts
var schema = actionSchema()((s) => s.strict({
  from: s.z.string().min(1),
  to: s.z.string().min(1)
}, "rename"));
var rename = {
  kind: "rename",
  schema,
  resolve: ({ from, to }) => ({
    name: `rename ${from} \u2192 ${to}`,
    fields: {
      from,
      to
    }
  }),
  async plan({ from, to }, ctx) {
    const source = await statRemote(ctx.client, from, ctx.signal);
    if (!source && !ctx.planned.remote.has(from)) {
      if (await statRemote(ctx.client, to, ctx.signal)) {
        return [
          {
            id: ctx.id(),
            action: "skip",
            from,
            path: to,
            reason: "already renamed",
            phase: Phase.transfer
          }
        ];
      }
      throw new PlanError(`${from} does not exist (and neither does ${to})`);
    }
    ctx.planned.remote.set(to, ctx.planned.remote.get(from) ?? (source?.type === "directory" ? "directory" : "file"));
    return [
      {
        id: ctx.id(),
        action: "rename",
        from,
        path: to,
        reason: source ? "exists" : "created by an earlier step",
        phase: Phase.transfer,
        run: serverCommand((client, signal) => client.rename(from, to, {
          signal
        }))
      }
    ];
  }
};

export {
  rename
};
