// The stream the client's thread holds for a stream of the Node-TLS worker
// (src/transport/_isolated_transport.ts). A TLS stream is handed out before
// the worker has named it (its opening is a request still in flight); a
// close() must end every wait on it, that one included: an opening can hang
// (a TLS handshake the server never answers, were the worker to wait for it).

import assert from "node:assert/strict";
import { IsolatedStream, IsolatedTlsTransport } from "../../src/transport/_isolated_transport.ts";
import type { WireStream } from "../../src/transport/_isolated_wire.ts";

const tls = { serverName: "localhost", caCerts: [], verify: true, handshakeTimeoutMs: 5000 };
const address: Deno.NetAddr = { transport: "tcp", hostname: "127.0.0.1", port: 1 };

/** How long a wait cut short by close() may take: generous, the machine is shared. */
const PROMPTLY_MS = 2000;

/** A TLS stream whose opening never ends, over a plain stream the worker already named. */
function hangingStream(): IsolatedStream {
  // The worker is never started: nothing here sends it a request.
  const transport = new IsolatedTlsTransport(tls);
  const plain = new IsolatedStream(transport, { id: 1, local: address, remote: address }, false);
  const never = new Promise<WireStream>(() => {});
  return new IsolatedStream(transport, never, true, plain);
}

/** How `waiting` ended within PROMPTLY_MS: its error, or "pending". */
async function settledWithin(waiting: Promise<unknown>): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"pending">((resolve) => {
    timer = setTimeout(resolve, PROMPTLY_MS, "pending");
  });
  try {
    return await Promise.race([
      waiting.then(() => "resolved", (error) => error),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

for (
  const [what, call] of [
    ["read", (s: IsolatedStream) => s.read(new Uint8Array(16))],
    ["write", (s: IsolatedStream) => s.write(new Uint8Array(16))],
    ["closeWrite", (s: IsolatedStream) => s.closeWrite()],
  ] as const
) {
  Deno.test(`a ${what} waiting for a TLS stream that is still opening ends promptly, Interrupted, when the stream is closed`, async () => {
    const stream = hangingStream();
    const waiting = call(stream);
    waiting.catch(() => {});
    // Let the call reach its wait on the opening before the close.
    await new Promise((resolve) => setTimeout(resolve, 20));
    stream.close();
    const outcome = await settledWithin(waiting);
    assert.ok(
      outcome instanceof Deno.errors.Interrupted,
      `the ${what} should fail Interrupted at close(), got: ${String(outcome)}`,
    );
    assert.match((outcome as Error).message, /closed/);
  });
}
