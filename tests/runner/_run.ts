// Runs task steps in-process, the way `ferry run` would, for runner tests
// that need the report and the events rather than a subprocess.

import { loadTask, type RunEvent, type RunReport, runTask } from "../../src/runner/mod.ts";
import type { FtpTestServer } from "../../src/testing/mod.ts";
import { writeServerTask } from "../cli/_ferry.ts";

/** Options of {@linkcode runSteps}. */
export interface RunStepsOptions {
  /** Extra keys for the connection block, such as `, dataTimeout: 2s`. */
  connection?: string;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

/** Writes `steps` (YAML lines) into a task against the server, and runs it. */
export async function runSteps(
  dir: string,
  server: FtpTestServer,
  steps: string,
  options: RunStepsOptions = {},
): Promise<RunReport> {
  const file = await writeServerTask(
    dir,
    `url: "${server.url}", parallel: 2${options.connection ?? ""}`,
    steps,
  );
  return await runTask(await loadTask(file, { envFile: false }), {
    signal: options.signal,
    onEvent: options.onEvent,
  });
}
