import {
  tlsError
} from "./chunk-6Y7TI5L4.js";
import {
  acceptFrom,
  dial,
  dialDeno,
  withDeadline,
  within
} from "./chunk-JTZGJBJ2.js";
import {
  closeQuietly
} from "./chunk-OKDFGV22.js";
import {
  hostPort
} from "./chunk-RK3YRUIX.js";
import {
  FtpTimeoutError
} from "./chunk-UN72SBEK.js";

// src/transport/_native_transport.ts
function startTls(conn, tls) {
  return Deno.startTls(conn, {
    hostname: tls.serverName,
    caCerts: tls.caCerts
  });
}
var NativeTransport = class {
  kind = "native";
  #tls;
  #localAddress;
  /**
   * @param tls Settings for TLS, when the session uses it.
   * @param localAddress Where plain connections are made from. Not with
   * `tls`: Deno's TLS runs only over Deno's TCP, which cannot choose its
   * local address (the data-channel TLS policy picks Node's TLS then).
   */
  constructor(tls, localAddress) {
    if (tls && localAddress !== void 0) {
      throw new Error("Deno's TLS cannot run over a connection from a chosen local address");
    }
    this.#tls = tls;
    this.#localAddress = localAddress;
  }
  #config() {
    if (!this.#tls) throw new Error("TLS was not configured for this session");
    return this.#tls;
  }
  async openControl(target, implicitTls) {
    if (!implicitTls) return await dial({
      ...target,
      localAddress: this.#localAddress
    });
    const tls = this.#config();
    const deadline = performance.now() + target.timeoutMs;
    const client = tls.clientCertificate;
    const conn = await withDeadline(target, async () => {
      if (client) {
        return await Deno.connectTls({
          hostname: target.host,
          port: target.port,
          caCerts: tls.caCerts,
          cert: client.cert,
          key: client.key
        });
      }
      return await startTls(await dialDeno(target), tls);
    });
    const left = deadline - performance.now();
    return await handshake(conn, tls, target.purpose, left, target.timeoutMs);
  }
  async secureControl(control) {
    const tls = this.#config();
    let conn;
    try {
      conn = await startTls(control, tls);
    } catch (error) {
      throw tlsError(error, tls, "control connection");
    }
    return await handshake(conn, tls, "control connection");
  }
  clearControl() {
    return Promise.reject(new Error("Deno's TLS cannot be taken off a connection (CCC needs Node's TLS)"));
  }
  openData(target) {
    return dial({
      ...target,
      localAddress: this.#localAddress
    });
  }
  secureData(data) {
    const tls = this.#config();
    return withTlsErrors(startTls(data, tls), tls);
  }
  listenData(host) {
    const listener = Deno.listen({
      hostname: host,
      port: 0,
      transport: "tcp"
    });
    const address = {
      host: listener.addr.hostname,
      port: listener.addr.port
    };
    return Promise.resolve({
      address,
      async accept(serverHost, timeoutMs) {
        const conn = await acceptFrom({
          accept: () => listener.accept(),
          close: () => closeQuietly(listener),
          peerOf: (c) => c.remoteAddr.hostname,
          discard: (c) => closeQuietly(c),
          describe: hostPort(address.host, address.port)
        }, serverHost, timeoutMs);
        conn.setNoDelay(true);
        return conn;
      },
      close: () => closeQuietly(listener)
    });
  }
};
async function handshake(conn, tls, what, timeoutMs = tls.handshakeTimeoutMs, limitMs = timeoutMs) {
  const done = conn.handshake();
  done.catch(() => {
  });
  try {
    await within(done, timeoutMs, `waiting for the TLS handshake on the ${what}`, () => closeQuietly(conn), limitMs);
    return conn;
  } catch (error) {
    closeQuietly(conn);
    throw error instanceof FtpTimeoutError ? error : tlsError(error, tls, what);
  }
}
function withTlsErrors(starting, tls) {
  starting.catch(() => {
  });
  const map = (error) => {
    if (error instanceof Deno.errors.InvalidData) throw tlsError(error, tls, "data connection");
    throw error;
  };
  let local = {
    transport: "tcp",
    hostname: "",
    port: 0
  };
  let remote = local;
  starting.then((conn) => {
    local = conn.localAddr;
    remote = conn.remoteAddr;
  }, () => {
  });
  return {
    // Deno's TLS keeps no session cache: a data connection never resumes.
    sessionResumed: false,
    read: (buffer) => starting.then((conn) => conn.read(buffer)).catch(map),
    write: (bytes) => starting.then((conn) => conn.write(bytes)).catch(map),
    closeWrite: () => starting.then((conn) => conn.closeWrite()),
    close: () => void starting.then((conn) => conn.close(), () => {
    }),
    get localAddr() {
      return local;
    },
    get remoteAddr() {
      return remote;
    }
  };
}

export {
  NativeTransport
};
