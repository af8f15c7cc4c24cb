// A control-connection-only FTP "server" driven by a script, for replies the
// embedded server would never send: chatter that never ends, and such.

export interface ScriptedServer extends AsyncDisposable {
  port: number;
  /** Command lines received, in order. */
  received: string[];
}

/** What the script may do with the connection. */
export interface ScriptIo {
  /** Writes raw text (include CRLF). Resolves false once the client has gone. */
  write(text: string): Promise<boolean>;
}

/**
 * Listens on 127.0.0.1, greets each connection with 220, and hands every
 * command line to `script`. Logs in anyone; answers FEAT with 502 unless the
 * script answers first by returning `true`.
 */
export function scriptedServer(
  script: (line: string, io: ScriptIo) => Promise<boolean> | boolean,
): ScriptedServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const received: string[] = [];
  const conns = new Set<Deno.Conn>();
  const tasks: Promise<void>[] = [];
  const encoder = new TextEncoder();

  async function serve(conn: Deno.Conn): Promise<void> {
    const io: ScriptIo = {
      async write(text) {
        try {
          await conn.write(encoder.encode(text));
          return true;
        } catch {
          return false;
        }
      },
    };
    await io.write("220 scripted server\r\n");
    const buffer = new Uint8Array(4096);
    let pending = "";
    try {
      // Bounded by the client: it ends when the connection closes.
      while (true) {
        const n = await conn.read(buffer);
        if (n === null) break;
        pending += new TextDecoder().decode(buffer.subarray(0, n));
        let end: number;
        while ((end = pending.indexOf("\r\n")) !== -1) {
          const line = pending.slice(0, end);
          pending = pending.slice(end + 2);
          received.push(line);
          if (await script(line, io)) continue;
          const verb = line.split(" ")[0].toUpperCase();
          const defaults: Record<string, string> = {
            USER: "230 Logged in\r\n",
            PASS: "230 Logged in\r\n",
            QUIT: "221 Bye\r\n",
          };
          await io.write(defaults[verb] ?? "502 Not implemented\r\n");
        }
      }
    } catch {
      // Closed by the test's cleanup.
    } finally {
      conns.delete(conn);
      try {
        conn.close();
      } catch {
        // Already closed.
      }
    }
  }

  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        conns.add(conn);
        tasks.push(serve(conn));
      }
    } catch {
      // Listener closed.
    }
  })();

  return {
    port: (listener.addr as Deno.NetAddr).port,
    received,
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const conn of conns) {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      }
      await accepting;
      await Promise.all(tasks);
    },
  };
}
