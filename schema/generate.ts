// Writes schema/task.schema.json from the zod definition that validates task
// files (deno task schema). tests/runner/schema.test.ts fails when the
// committed file is out of date.

import { fileURLToPath } from "node:url";
import { taskJsonSchema } from "../src/runner/task_schema.ts";

const path = fileURLToPath(new URL("./task.schema.json", import.meta.url));
await Deno.writeTextFile(path, JSON.stringify(await taskJsonSchema(), null, 2) + "\n");
console.log(`wrote ${path}`);
