// A small in-memory FTP server for hostile-server tests: it answers the
// commands ferry sends (login, FEAT, PWD/CWD, TYPE, EPSV/PASV, REST, SIZE,
// MDTM, RETR/STOR/APPE, LIST/NLST, DELE, MKD/RMD, ABOR, QUIT) well enough
// for the client and the runner, and hands every command line to a script
// first. The script may answer in any way a real server never would: a
// reply in 1-byte TCP segments, invalid UTF-8, a 226 before the data, a
// data connection cut after N bytes, a control connection closed mid-
// transfer. Unlike the embedded FtpTestServer, the data connection is the
// script's to drive (session.data()).
//
// Loopback only; every wait is bounded; dispose closes everything.

const encoder = new TextEncoder();

/** One control connection, as the script sees it. */
export interface HostileSession {
  /** 1 for the first control connection, 2 for the next, ... */
  readonly number: number;
  /** The current directory (absolute, "/"-separated). */
  cwd: string;
  /** The offset of the last REST, cleared by the transfer that uses it. */
  rest: number;
  /** Writes raw text or bytes (include CRLF yourself). False once the client has gone. */
  write(data: string | Uint8Array): Promise<boolean>;
  /** Writes byte by byte, each byte in its own TCP segment (no delay, a pause between). */
  trickle(data: string | Uint8Array, pauseMs?: number): Promise<boolean>;
  /** Closes the control connection (and any data connection) at once. */
  drop(): void;
  /**
   * Stops reading commands: whatever the client sends from now on (a TLS
   * handshake, more commands) is read and ignored, and nothing is answered.
   */
  mute(): void;
  /**
   * The data connection opened by the last EPSV or PASV, once the client
   * has connected (bounded by 10 s).
   */
  data(): Promise<Deno.Conn>;
  /** Runs the default handling of a command line. */
  handle(line: string): Promise<void>;
  /** Resolves path against cwd. */
  resolve(path: string): string;
}

/** What the script is told; return true when it handled the line. */
export type HostileScript = (
  line: string,
  session: HostileSession,
) => boolean | Promise<boolean>;

/** Options of {@linkcode hostileServer}. */
export interface HostileServerOptions {
  /** Files by absolute path; directories are implied by the paths (or end in "/"). */
  files?: Record<string, string | Uint8Array>;
  /** Sees every command line before the default handling. */
  script?: HostileScript;
  /** The FEAT lines. */
  features?: string[];
  /** The password PASS must carry; any password is accepted when unset. */
  password?: string;
  /** The greeting, raw (CRLF included). */
  greeting?: string | Uint8Array;
  /** LIST/NLST lines instead of the directory's content, by listed path. */
  listing?: (path: string, verb: string) => string[] | undefined;
}

/** A running hostile server. */
export interface HostileServer extends AsyncDisposable {
  port: number;
  /** `ftp://127.0.0.1:PORT` (no credentials). */
  url: string;
  /** Every command line received, in order, exactly as sent (not redacted). */
  received: string[];
  /** The file system, uploads included. */
  files: Map<string, Uint8Array>;
  /** Control connections accepted so far. */
  readonly sessions: number;
  close(): Promise<void>;
}

const DEFAULT_FEATURES = ["SIZE", "MDTM", "REST STREAM", "EPSV", "PASV", "UTF8"];

function bytesOf(data: string | Uint8Array): Uint8Array {
  return typeof data === "string" ? encoder.encode(data) : data;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  // Bounded: each write moves at least one byte or throws.
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

function closeQuietly(closer: { close(): void } | undefined): void {
  try {
    closer?.close();
  } catch {
    // Already closed.
  }
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return "/" + out.join("/");
}

/**
 * Starts the server on 127.0.0.1 and a free port.
 *
 * @param options Files, the script, FEAT lines, the password.
 * @returns The server; dispose it to close every connection.
 */
export function hostileServer(options: HostileServerOptions = {}): HostileServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0, transport: "tcp" });
  const port = (listener.addr as Deno.NetAddr).port;
  const received: string[] = [];
  const files = new Map<string, Uint8Array>();
  const dirs = new Set<string>(["/"]);
  for (const [path, content] of Object.entries(options.files ?? {})) {
    if (path.endsWith("/")) dirs.add(normalize(path));
    else files.set(normalize(path), bytesOf(content));
  }
  const closers = new Set<{ close(): void }>();
  const tasks = new Set<Promise<unknown>>();
  let sessions = 0;
  let closed = false;

  const isDir = (path: string) => {
    if (dirs.has(path)) return true;
    const prefix = path === "/" ? "/" : `${path}/`;
    for (const name of files.keys()) if (name.startsWith(prefix)) return true;
    for (const name of dirs) if (name.startsWith(prefix)) return true;
    return false;
  };
  const childrenOf = (dir: string) => {
    const prefix = dir === "/" ? "/" : `${dir}/`;
    const out = new Map<string, "file" | "dir">();
    for (const name of [...files.keys(), ...dirs]) {
      if (!name.startsWith(prefix) || name === dir) continue;
      const rest = name.slice(prefix.length);
      const [first, ...more] = rest.split("/");
      if (more.length > 0 || dirs.has(name)) out.set(first, "dir");
      else if (!out.has(first)) out.set(first, "file");
    }
    return out;
  };

  function track<T>(promise: Promise<T>): Promise<T> {
    tasks.add(promise);
    promise.finally(() => tasks.delete(promise)).catch(() => {});
    return promise;
  }

  async function serve(conn: Deno.TcpConn, number: number): Promise<void> {
    closers.add(conn);
    conn.setNoDelay(true);
    let gone = false;
    let muted = false;
    let passive: Deno.Listener | undefined;
    let pendingData: Promise<Deno.Conn> | undefined;
    let dataConn: Deno.Conn | undefined;
    let renameFrom: string | undefined;

    const closeData = () => {
      closeQuietly(passive);
      if (passive) closers.delete(passive);
      passive = undefined;
      closeQuietly(dataConn);
      if (dataConn) closers.delete(dataConn);
      dataConn = undefined;
    };

    const openPassive = () => {
      closeData();
      const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      passive = l;
      closers.add(l);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const accepted = track(
        Promise.race([
          l.accept(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error("no data connection within 10 s")), 10_000);
          }),
        ]).then((c) => {
          dataConn = c;
          closers.add(c);
          return c;
        }).finally(() => {
          clearTimeout(timer);
          closeQuietly(l);
          closers.delete(l);
          if (passive === l) passive = undefined;
        }),
      );
      accepted.catch(() => {});
      pendingData = accepted;
      return (l.addr as Deno.NetAddr).port;
    };

    const session: HostileSession = {
      number,
      cwd: "/",
      rest: 0,
      async write(data) {
        if (gone) return false;
        try {
          await writeAll(conn, bytesOf(data));
          return true;
        } catch {
          gone = true;
          return false;
        }
      },
      async trickle(data, pauseMs = 1) {
        for (const byte of bytesOf(data)) {
          if (!(await session.write(Uint8Array.of(byte)))) return false;
          await new Promise((r) => setTimeout(r, pauseMs));
        }
        return true;
      },
      drop() {
        gone = true;
        closeData();
        closeQuietly(conn);
        closers.delete(conn);
      },
      mute() {
        muted = true;
      },
      data() {
        if (!pendingData) return Promise.reject(new Error("no EPSV or PASV before the transfer"));
        const p = pendingData;
        pendingData = undefined;
        return p;
      },
      resolve(path) {
        return normalize(path.startsWith("/") ? path : `${session.cwd}/${path}`);
      },
      handle: (line) => defaultHandle(line),
    };

    async function sendData(bytes: Uint8Array): Promise<void> {
      const data = await session.data();
      try {
        await writeAll(data, bytes);
      } finally {
        closeQuietly(data);
        closers.delete(data);
      }
    }

    async function receiveData(): Promise<Uint8Array> {
      const data = await session.data();
      const parts: Uint8Array[] = [];
      const buffer = new Uint8Array(64 * 1024);
      try {
        // Bounded by the client: it closes the data connection at the end.
        while (true) {
          const n = await data.read(buffer);
          if (n === null) break;
          parts.push(buffer.slice(0, n));
        }
      } finally {
        closeQuietly(data);
        closers.delete(data);
      }
      const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
      return out;
    }

    function listLines(path: string, verb: string): string[] {
      const custom = options.listing?.(path, verb);
      if (custom) return custom;
      const entries = [...childrenOf(path)].sort(([a], [b]) => a.localeCompare(b));
      if (verb === "NLST") return entries.map(([name]) => name);
      return entries.map(([name, kind]) => {
        const size = kind === "file" ? files.get(normalize(`${path}/${name}`))!.length : 4096;
        return `${kind === "dir" ? "d" : "-"}rw-r--r-- 1 u g ${size} Jan 01 2026 ${name}`;
      });
    }

    async function defaultHandle(line: string): Promise<void> {
      const space = line.indexOf(" ");
      const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
      const arg = space === -1 ? "" : line.slice(space + 1);
      const path = session.resolve(arg || ".");
      const reply = (text: string) => session.write(text + "\r\n");
      switch (verb) {
        case "USER":
          return void await reply("331 Password please");
        case "PASS":
          if (options.password !== undefined && arg !== options.password) {
            return void await reply("530 Login incorrect");
          }
          return void await reply("230 Logged in");
        case "SYST":
          return void await reply("215 UNIX Type: L8");
        case "FEAT": {
          const features = options.features ?? DEFAULT_FEATURES;
          return void await session.write(
            ["211-Features:", ...features.map((f) => ` ${f}`), "211 End", ""].join("\r\n"),
          );
        }
        case "OPTS":
        case "TYPE":
        case "NOOP":
          return void await reply("200 OK");
        case "PWD":
          return void await reply(`257 "${session.cwd.replaceAll('"', '""')}" is current`);
        case "CWD":
          if (!isDir(path)) return void await reply("550 No such directory");
          session.cwd = path;
          return void await reply("250 OK");
        case "CDUP":
          session.cwd = normalize(`${session.cwd}/..`);
          return void await reply("250 OK");
        case "EPSV":
          return void await reply(`229 Entering Extended Passive Mode (|||${openPassive()}|)`);
        case "PASV": {
          const p = openPassive();
          return void await reply(`227 Entering Passive Mode (127,0,0,1,${p >> 8},${p & 255})`);
        }
        case "REST":
          session.rest = Number(arg) || 0;
          return void await reply(`350 Restarting at ${session.rest}`);
        case "SIZE": {
          const file = files.get(path);
          return void await reply(file ? `213 ${file.length}` : "550 No such file");
        }
        case "MDTM":
          return void await reply(files.has(path) ? "213 20260101000000" : "550 No such file");
        case "RETR": {
          const file = files.get(path);
          const offset = session.rest;
          session.rest = 0;
          if (!file) {
            closeData();
            return void await reply("550 No such file");
          }
          await reply(`150 Opening data connection (${file.length - offset} bytes)`);
          await sendData(file.subarray(offset));
          return void await reply("226 Transfer complete");
        }
        case "STOR":
        case "APPE": {
          const offset = session.rest;
          session.rest = 0;
          await reply("150 Ready for data");
          const bytes = await receiveData();
          const old = files.get(path) ?? new Uint8Array();
          const start = verb === "APPE" ? old.length : offset;
          const out = new Uint8Array(Math.max(start + bytes.length, offset ? old.length : 0));
          out.set(old.subarray(0, start));
          out.set(bytes, start);
          files.set(path, out);
          return void await reply("226 Stored");
        }
        case "LIST":
        case "NLST": {
          const target = arg && !arg.startsWith("-") ? path : session.cwd;
          await reply("150 Here comes the listing");
          await sendData(encoder.encode(listLines(target, verb).map((l) => `${l}\r\n`).join("")));
          return void await reply("226 Listing sent");
        }
        case "DELE":
          if (!files.delete(path)) return void await reply("550 No such file");
          return void await reply("250 Deleted");
        case "MKD":
          dirs.add(path);
          return void await reply(`257 "${path}" created`);
        case "RMD":
          dirs.delete(path);
          return void await reply("250 Removed");
        case "RNFR":
          renameFrom = path;
          return void await reply(files.has(path) ? "350 Ready for RNTO" : "550 No such file");
        case "RNTO":
          if (renameFrom && files.has(renameFrom)) {
            files.set(path, files.get(renameFrom)!);
            files.delete(renameFrom);
          }
          renameFrom = undefined;
          return void await reply("250 Renamed");
        case "ABOR":
          closeData();
          return void await reply("226 Abort successful");
        case "QUIT":
          await reply("221 Bye");
          return session.drop();
        default:
          return void await reply("502 Command not implemented");
      }
    }

    await session.write(options.greeting ?? "220 hostile test server\r\n");
    const buffer = new Uint8Array(8192);
    let pending = "";
    try {
      // Bounded by the client: it ends when the connection closes.
      while (!gone) {
        const n = await conn.read(buffer);
        if (n === null) break;
        if (muted) continue;
        pending += new TextDecoder().decode(buffer.subarray(0, n));
        let end: number;
        while (!gone && !muted && (end = pending.indexOf("\n")) !== -1) {
          const line = pending.slice(0, end).replace(/\r$/, "");
          pending = pending.slice(end + 1);
          received.push(line);
          if (options.script && await options.script(line, session)) continue;
          await defaultHandle(line);
        }
      }
    } catch {
      // The connection was closed by the client, the script or dispose.
    } finally {
      gone = true;
      closeData();
      closeQuietly(conn);
      closers.delete(conn);
    }
  }

  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        if (closed) {
          closeQuietly(conn);
          break;
        }
        sessions++;
        track(serve(conn, sessions).catch(() => {}));
      }
    } catch {
      // The listener was closed.
    }
  })();

  const close = async () => {
    if (!closed) {
      closed = true;
      closeQuietly(listener);
    }
    // Bounded: closing every connection ends every task.
    for (let round = 0; round < 50 && (closers.size > 0 || tasks.size > 0); round++) {
      for (const closer of [...closers]) closeQuietly(closer);
      closers.clear();
      await Promise.race([
        Promise.allSettled([...tasks]),
        new Promise((r) => setTimeout(r, 100)),
      ]);
    }
    await accepting;
  };

  return {
    port,
    url: `ftp://127.0.0.1:${port}`,
    received,
    files,
    get sessions() {
      return sessions;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
