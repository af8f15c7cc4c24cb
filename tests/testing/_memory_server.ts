// The parent side of _server_child.ts: an embedded server in a child process
// whose live memory the test samples at points of its choosing.

import { LIVE_MEMORY_FLAGS } from "../_live_memory.ts";

/** A server child: its port, and calls to sample and collect its memory. */
export interface ServerChild extends AsyncDisposable {
  port: number;
  /** Asks the child to sample its live memory now. */
  sample(): Promise<void>;
  /** The samples taken; the child then exits. */
  report(): Promise<number[]>;
}

/** Starts `_server_child.ts` serving `root` (explicit FTPS with a certificate and key). */
export async function startServerChild(
  root: string,
  tls?: { certPath: string; keyPath: string },
): Promise<ServerChild> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...LIVE_MEMORY_FLAGS,
      new URL("./_server_child.ts", import.meta.url).pathname,
      root,
      ...(tls ? [tls.certPath, tls.keyPath] : []),
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  // A hung server must fail the test, not hang it.
  const killer = setTimeout(() => child.kill(), 120_000);
  const stdout = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const stdin = child.stdin.getWriter();
  const encoder = new TextEncoder();
  let text = "";
  const jsonLine = async () => {
    for (let i = 0; i < 1000 && !text.includes("\n"); i++) {
      const { value, done } = await stdout.read();
      if (done) break;
      text += value;
    }
    const end = text.indexOf("\n");
    const line = text.slice(0, end);
    text = text.slice(end + 1);
    return JSON.parse(line);
  };
  const { port } = await jsonLine();
  return {
    port,
    sample: () => stdin.write(encoder.encode("sample\n")),
    async report() {
      await stdin.write(encoder.encode("report\n"));
      return (await jsonLine()).samples;
    },
    async [Symbol.asyncDispose]() {
      clearTimeout(killer);
      await stdin.close().catch(() => {});
      await stdout.cancel().catch(() => {});
      const status = await child.status;
      if (status.code !== 0) throw new Error(`the server child exited with ${status.code}`);
    },
  };
}
