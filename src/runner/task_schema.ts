/**
 * The JSON Schema of task files, generated from the zod definition that
 * validates them at run time (schema/task.schema.json is its output).
 *
 * @module
 */

/**
 * Builds the task file JSON Schema (draft 2020-12).
 *
 * @returns The schema as a plain object, ready for `JSON.stringify`.
 *
 * @example
 * ```ts
 * import { taskJsonSchema } from "@ferry/ftp/runner";
 * const schema = await taskJsonSchema();
 * await Deno.writeTextFile("task.schema.json", JSON.stringify(schema, null, 2));
 * ```
 */
export async function taskJsonSchema(): Promise<Record<string, unknown>> {
  const { z } = await import("zod");
  const { taskSchema } = await import("./_schema.ts");
  return {
    $id: "https://jsr.io/@ferry/ftp/schema/task.schema.json",
    title: "ferry task file",
    description: "A connection and the steps ferry runs over it (ferry run FILE).",
    ...z.toJSONSchema(taskSchema, { target: "draft-2020-12" }),
  };
}
