// src/runner/steps/registry.ts
var KINDS = {
  mkdir: () => import("./mkdir-GTNKSU3L.js").then((m) => m.mkdir),
  rm: () => import("./rm-QESHRO3C.js").then((m) => m.rm),
  rmdir: () => import("./rmdir-TKEWZY6O.js").then((m) => m.rmdir),
  rename: () => import("./rename-DQLULPJ4.js").then((m) => m.rename),
  put: () => import("./put-ENZ6SFJI.js").then((m) => m.put),
  get: () => import("./get-KJMK6WVI.js").then((m) => m.get),
  sync: () => import("./sync-BQOFYO6M.js").then((m) => m.sync),
  chmod: () => import("./chmod-ZZZETR6W.js").then((m) => m.chmod),
  verify: () => import("./verify-YJ6N24K3.js").then((m) => m.verify)
};
var STEP_KIND_NAMES = Object.keys(KINDS);
var loaded = /* @__PURE__ */ new Map();
async function stepKind(kind) {
  const found = loaded.get(kind);
  if (found) return found;
  if (!Object.hasOwn(KINDS, kind)) throw new Error(`no step kind "${kind}"`);
  const definition = await KINDS[kind]();
  loaded.set(kind, definition);
  return definition;
}
function stepKindNameOf(step) {
  const found = STEP_KIND_NAMES.find((kind) => kind in step);
  if (!found) throw new Error(`a step with none of ${STEP_KIND_NAMES.join(", ")}`);
  return found;
}
var BASIC_ACTIONS = {
  upload: {
    symbol: "\u2191",
    counts: "transferred"
  },
  download: {
    symbol: "\u2193",
    counts: "transferred"
  },
  mkdir: {
    symbol: "+",
    counts: "changed"
  },
  "mkdir-local": {
    symbol: "+",
    counts: "changed"
  },
  delete: {
    symbol: "-",
    counts: "changed"
  },
  "delete-local": {
    symbol: "-",
    counts: "changed"
  },
  rmdir: {
    symbol: "-",
    counts: "changed"
  },
  "rmdir-local": {
    symbol: "-",
    counts: "changed"
  },
  rename: {
    symbol: "~",
    counts: "changed"
  },
  skip: {
    symbol: "=",
    counts: "unchanged"
  }
};
var UNKNOWN_ACTION = {
  symbol: "?",
  counts: "changed"
};
function actionStyle(action) {
  if (Object.hasOwn(BASIC_ACTIONS, action)) return BASIC_ACTIONS[action];
  for (const kind of loaded.values()) {
    if (kind.actions && Object.hasOwn(kind.actions, action)) return kind.actions[action];
  }
  return UNKNOWN_ACTION;
}

export {
  STEP_KIND_NAMES,
  stepKind,
  stepKindNameOf,
  actionStyle
};
