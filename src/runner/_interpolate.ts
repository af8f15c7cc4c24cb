// `${VAR}` and `${VAR:-default}` in every string of a task file. `$${`
// stands for a literal `${`. A bare `$` is left alone, so passwords holding
// one need no escaping.

import type { KeyPath } from "./_source.ts";

/** Looks a variable up; `undefined` when it is not set. */
export type EnvLookup = (name: string) => string | undefined;

/** A reference that could not be resolved. */
export interface InterpolationProblem {
  path: KeyPath;
  message: string;
  /** The variable concerned, when the reference was well-formed. */
  name?: string;
}

const REFERENCE = /\$\$\{|\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The variable names a string refers to (with or without a default). */
export function referencedNames(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    if (match[0] === "$${") continue;
    const name = match[1].split(":-")[0];
    if (NAME.test(name)) names.push(name);
  }
  return names;
}

/**
 * Interpolates every string in a data tree, in place of a copy. Unset
 * variables without a default are reported by path; their reference is
 * left as it was.
 */
export function interpolate(
  data: unknown,
  lookup: EnvLookup,
): { data: unknown; problems: InterpolationProblem[] } {
  const problems: InterpolationProblem[] = [];
  const visit = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === "string") return interpolateString(value, path, lookup, problems);
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, i]));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = visit(item, [...path, key]);
      return out;
    }
    return value;
  };
  return { data: visit(data, []), problems };
}

function interpolateString(
  text: string,
  path: KeyPath,
  lookup: EnvLookup,
  problems: InterpolationProblem[],
): string {
  return text.replace(REFERENCE, (whole, inner: string | undefined) => {
    if (whole === "$${") return "${";
    const body = inner ?? "";
    const split = body.indexOf(":-");
    const name = split === -1 ? body : body.slice(0, split);
    if (!NAME.test(name)) {
      problems.push({
        path,
        message: `"\${${name}}" is not a variable reference: names are letters, digits and _ ` +
          `(write $\${ for a literal \${)`,
      });
      return whole;
    }
    const value = lookup(name);
    if (value !== undefined && value !== "") return value;
    if (split !== -1) return body.slice(split + 2);
    if (value === "") return "";
    problems.push({
      path,
      name,
      message: `environment variable ${name} is not set; set it, add it to the .env file ` +
        `beside the task file, or write \${${name}:-default}`,
    });
    return whole;
  });
}
