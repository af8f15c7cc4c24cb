// Validation against the zod schema, with zod's issues turned into messages
// that name the key and what is allowed. Steps are a union of shapes, one per kind;
// a union failure is re-checked against the one shape the step's action key
// picks, so the message is about that shape rather than "Invalid input".

import type { z } from "zod";
import { STEP_KIND_NAMES, stepSchemas, taskSchema } from "./_schema.ts";
import type { KeyPath } from "./_source.ts";

/** A validation problem at a key path. */
export interface ValidationIssue {
  path: KeyPath;
  message: string;
  /** Whether the key itself (unknown keys) or its value is at fault. */
  at: "key" | "value";
}

/** Validates task data; returns no issues when it is valid. */
export function validate(data: unknown): ValidationIssue[] {
  const result = taskSchema.safeParse(data);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => explain(issue, [], data));
}

function valueAt(data: unknown, path: KeyPath): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function explain(issue: z.core.$ZodIssue, prefix: KeyPath, root: unknown): ValidationIssue[] {
  const path = [...prefix, ...issue.path.map((p) => p as string | number)];
  const value = valueAt(root, path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({ path: [...path, key], message: issue.message, at: "key" }));
  }
  if (issue.code === "invalid_union" && path.length === 2 && path[0] === "steps") {
    return explainStep(path, value, root);
  }
  if (issue.code === "invalid_type" && value === undefined) {
    const key = path[path.length - 1];
    return [{
      path,
      message: `missing required key ${JSON.stringify(key)} (${issue.expected})`,
      at: "value",
    }];
  }
  return [{ path, message: issue.message, at: "value" }];
}

function explainStep(path: KeyPath, step: unknown, root: unknown): ValidationIssue[] {
  const kinds = STEP_KIND_NAMES.join(", ");
  if (step === null || typeof step !== "object" || Array.isArray(step)) {
    return [{ path, message: `a step must be a mapping with one of: ${kinds}`, at: "value" }];
  }
  const present = STEP_KIND_NAMES.filter((kind) => kind in step);
  if (present.length === 0) {
    return [{
      path,
      message: `the step has no action: give one of ${kinds}`,
      at: "value",
    }];
  }
  if (present.length > 1) {
    return [{
      path: [...path, present[1]],
      message: `a step has exactly one action, this one has ${present.join(" and ")}: ` +
        `split it into ${present.length} steps`,
      at: "key",
    }];
  }
  const result = stepSchemas[present[0]].safeParse(step);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => explain(issue, path, root));
}
