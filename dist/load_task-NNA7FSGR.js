import {
  resolveTask
} from "./chunk-MDAPYFKY.js";
import "./chunk-U3WY2XO2.js";
import {
  TaskFileError
} from "./chunk-A3ZEX6XJ.js";
import "./chunk-URKZZK3P.js";
import "./chunk-KOF6ERUA.js";
import "./chunk-ZN2EVIR7.js";
import "./chunk-RK3YRUIX.js";
import "./chunk-67NZJHGR.js";
import "./chunk-UN72SBEK.js";

// src/runner/load_task.ts
import { dirname, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

// src/runner/_interpolate.ts
var REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
var NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function referencedNames(text) {
  const names = [];
  for (const match of text.matchAll(REFERENCE)) {
    if (match[0] === "$${") continue;
    const name = match[1].split(":-")[0];
    if (NAME.test(name)) names.push(name);
  }
  return names;
}
function interpolate(data, lookup) {
  const problems = [];
  const visit = (value, path) => {
    if (typeof value === "string") return interpolateString(value, path, lookup, problems);
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [
      ...path,
      i
    ]));
    if (value !== null && typeof value === "object") {
      const out = {};
      for (const [key, item] of Object.entries(value)) out[key] = visit(item, [
        ...path,
        key
      ]);
      return out;
    }
    return value;
  };
  return {
    data: visit(data, []),
    problems
  };
}
function interpolateString(text, path, lookup, problems) {
  return text.replace(REFERENCE, (whole, inner) => {
    if (whole === "$${") return "${";
    const body = inner ?? "";
    const split = body.indexOf(":-");
    const name = split === -1 ? body : body.slice(0, split);
    if (!NAME.test(name)) {
      problems.push({
        path,
        message: `"\${${name}}" is not a variable reference: names are letters, digits and _ (write $\${ for a literal \${)`
      });
      return whole;
    }
    const value = lookup(name);
    if (value !== void 0 && value !== "") return value;
    if (split !== -1) return body.slice(split + 2);
    if (value === "") return "";
    problems.push({
      path,
      name,
      message: `environment variable ${name} is not set; set it, add it to the .env file beside the task file, or write \${${name}:-default}`
    });
    return whole;
  });
}

// src/runner/load_task.ts
var FORMATS = {
  ".yaml": "yaml",
  ".yml": "yaml",
  ".json": "json",
  ".jsonc": "json",
  ".ts": "module",
  ".mts": "module",
  ".js": "module",
  ".mjs": "module"
};
function fail(file, message, position, path = "") {
  throw new TaskFileError([
    {
      file,
      ...position,
      path,
      message
    }
  ]);
}
async function loadTask(path, options = {}) {
  const absolute = resolve(path);
  const format = FORMATS[extname(absolute).toLowerCase()];
  if (!format) {
    fail(path, `unknown task file type ${JSON.stringify(extname(absolute) || "(none)")}: use .yaml, .yml, .json, .jsonc, .ts or .js`);
  }
  let source;
  if (format === "module") {
    source = await importModule(path, absolute);
  } else {
    let text;
    try {
      text = await Deno.readTextFile(absolute);
    } catch (error) {
      fail(path, `cannot read the task file: ${errorText(error)}`);
    }
    const { parseSource } = await import("./_source-MQ6XVOFR.js");
    const parsed = parseSource(text, format);
    if ("errors" in parsed) {
      throw new TaskFileError(parsed.errors.map((e) => ({
        file: path,
        path: "",
        ...e
      })));
    }
    source = parsed;
  }
  return await buildTask(path, absolute, source, options);
}
async function importModule(path, absolute) {
  let module;
  try {
    module = await import(pathToFileURL(absolute).href);
  } catch (error) {
    fail(path, `cannot load the task module: ${errorText(error)}`);
  }
  if (module.default === void 0) {
    fail(path, "the module has no default export: write `export default defineTask({...})`");
  }
  return {
    data: module.default,
    locate: () => ({})
  };
}
async function buildTask(file, absolute, source, options) {
  const baseDir = dirname(absolute);
  const issueAt = (path, message, at = "value") => {
    const position = source.locate(path, at);
    return {
      file,
      ...position,
      path: formatPath(path),
      message
    };
  };
  const { values: dotenv, file: envFile } = await readEnvFile(file, baseDir, options.envFile);
  const names = /* @__PURE__ */ new Set();
  collectNames(source.data, names);
  const denied = /* @__PURE__ */ new Set();
  const lookup = (name) => options.env?.[name] ?? processEnv(name, denied) ?? dotenv[name];
  const { data, problems } = interpolate(source.data, lookup);
  if (problems.length > 0) {
    throw new TaskFileError(sorted(problems.map((p) => {
      const hint = p.name !== void 0 && denied.has(p.name) ? ` (ferry may not read it: run deno with --allow-env=${p.name})` : "";
      return issueAt(p.path, p.message + hint);
    })));
  }
  const { validate } = await import("./_validate-OQKPYVSC.js");
  const issues = validate(data).map((i) => issueAt(i.path, i.message, i.at));
  if (issues.length > 0) throw new TaskFileError(sorted(issues));
  const located = {
    baseDir,
    error: (path, message) => new TaskFileError([
      issueAt(path, message)
    ]),
    locate: (path) => {
      const { message: _, ...location } = issueAt(path, "");
      return location;
    }
  };
  const task = await resolveTask(data, located);
  task.file = absolute;
  task.reads.env.push(...[
    ...names
  ].filter((n) => options.env?.[n] === void 0));
  task.reads.files.unshift(absolute);
  if (envFile) task.reads.files.push(envFile);
  return task;
}
function collectNames(value, into) {
  if (typeof value === "string") {
    for (const name of referencedNames(value)) into.add(name);
  } else if (Array.isArray(value)) {
    for (const item of value) collectNames(item, into);
  } else if (value !== null && typeof value === "object") {
    for (const item of Object.values(value)) collectNames(item, into);
  }
}
function processEnv(name, denied) {
  if (Deno.permissions.querySync({
    name: "env",
    variable: name
  }).state !== "granted") {
    denied.add(name);
    return void 0;
  }
  return Deno.env.get(name);
}
async function readEnvFile(file, baseDir, option) {
  if (option === false) return {
    values: {}
  };
  const path = option === void 0 ? resolve(baseDir, ".env") : resolve(option);
  let text;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (option === void 0) return {
      values: {}
    };
    fail(option, `cannot read the env file: ${errorText(error)}`);
  }
  const { parseEnv } = await import("node:util");
  try {
    return {
      values: {
        ...parseEnv(text)
      },
      file: path
    };
  } catch (error) {
    fail(option || file, `cannot parse the env file: ${errorText(error)}`);
  }
}
function sorted(issues) {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
function formatPath(path) {
  let out = "";
  for (const segment of path) {
    out += typeof segment === "number" ? `[${segment}]` : out === "" ? segment : `.${segment}`;
  }
  return out;
}
function errorText(error) {
  if (error instanceof Deno.errors.NotFound) return "no such file";
  if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
    return "permission denied (see `ferry permissions`)";
  }
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}
export {
  loadTask
};
