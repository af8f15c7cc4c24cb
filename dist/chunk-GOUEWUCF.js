import {
  splitGlob
} from "./chunk-2IPWHU7E.js";
import {
  resolve
} from "./chunk-ZN2EVIR7.js";

// src/runner/steps/_kind.ts
function actionSchema() {
  return (schema) => schema;
}
function list(value) {
  return typeof value === "string" ? [
    value
  ] : value;
}
var pathListSchema = actionSchema()((s) => s.paths);
function pathListAction(kind) {
  return {
    schema: pathListSchema,
    resolve: (paths) => ({
      name: `${kind} ${list(paths).join(" ")}`,
      fields: {
        paths: list(paths)
      }
    })
  };
}
function localPath(baseDir, path) {
  const absolute = resolve(baseDir, path);
  return /[/\\]$/.test(path) && !absolute.endsWith("/") ? `${absolute}/` : absolute;
}
async function localBase(path) {
  const { base, glob } = await splitGlob(path.replaceAll("\\", "/"));
  return glob ? base === "" ? "." : base : path.replace(/[/\\]$/, "");
}
async function sourceOf(path) {
  const { base, glob } = await splitGlob(path.replaceAll("\\", "/"));
  if (glob) return {
    path: base === "" ? "." : base,
    folder: true
  };
  return {
    path,
    folder: /[/\\]$/.test(path)
  };
}

export {
  actionSchema,
  list,
  pathListAction,
  localPath,
  localBase,
  sourceOf
};
