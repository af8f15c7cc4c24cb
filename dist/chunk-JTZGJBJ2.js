import {
  closeQuietly
} from "./chunk-OKDFGV22.js";
import {
  hostPort,
  sameHost
} from "./chunk-RK3YRUIX.js";
import {
  startTimer
} from "./chunk-WYTJSAQ3.js";
import {
  FtpAbortError,
  FtpConnectionError,
  FtpError,
  FtpProtocolError,
  FtpTimeoutError
} from "./chunk-UN72SBEK.js";

// src/transport/_socket.ts
async function withDeadline(options, connect) {
  const { host, port, timeoutMs, signal, purpose, phase = "connect" } = options;
  signal?.throwIfAborted();
  const controller = new AbortController();
  let timedOut = false;
  const timer = startTimer(timeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, {
    once: true
  });
  try {
    return await connect(controller.signal);
  } catch (error) {
    if (timedOut) {
      throw new FtpTimeoutError(phase, timeoutMs, `opening the ${purpose} to ${hostPort(host, port)}`);
    }
    if (signal?.aborted) {
      throw new FtpAbortError(`Opening the ${purpose} was aborted`, {
        cause: error
      });
    }
    throw connectionError(error, `${purpose} to ${hostPort(host, port)}`);
  } finally {
    timer.clear();
    signal?.removeEventListener("abort", onAbort);
  }
}
async function dial(options) {
  if (options.localAddress === void 0) return await dialDeno(options);
  const { dialFrom } = await import("./_node_tcp-ODWWTGES.js");
  return await dialFrom({
    ...options,
    localAddress: options.localAddress
  });
}
function dialDeno(options) {
  return withDeadline(options, (signal) => {
    const connecting = Deno.connect({
      hostname: options.host,
      port: options.port
    });
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        reject(signal.reason);
        connecting.then((late) => closeQuietly(late), () => {
        });
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, {
        once: true
      });
      connecting.then((conn) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) return closeQuietly(conn);
        conn.setNoDelay(true);
        resolve(conn);
      }, (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      });
    });
  });
}
async function acceptFrom(listener, serverHost, timeoutMs) {
  let timedOut = false;
  const timer = startTimer(timeoutMs, () => {
    timedOut = true;
    listener.close();
  });
  try {
    while (true) {
      const conn = await listener.accept();
      if (sameHost(listener.peerOf(conn), serverHost)) return conn;
      listener.discard(conn);
    }
  } catch (error) {
    if (timedOut) {
      throw new FtpTimeoutError("data-connection", timeoutMs, `waiting for the server to open the active-mode data connection to ${listener.describe} (try passive mode if a firewall or NAT is in the way)`);
    }
    throw new FtpProtocolError("The active-mode data listener failed", {
      cause: error
    });
  } finally {
    timer.clear();
    listener.close();
  }
}
async function within(work, timeoutMs, what, giveUp, limitMs = timeoutMs) {
  let timer;
  const expired = new Promise((_, reject) => {
    timer = startTimer(timeoutMs, () => {
      giveUp();
      reject(new FtpTimeoutError("connect", limitMs, what));
    });
  });
  try {
    return await Promise.race([
      work,
      expired
    ]);
  } finally {
    timer?.clear();
  }
}
function connectionError(error, what) {
  if (error instanceof FtpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error.code ?? "";
  if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
    return new FtpConnectionError("denied", `Deno's permissions do not allow the ${what}; grant it with --allow-net (${message})`, {
      cause: error
    });
  }
  if (error instanceof Deno.errors.ConnectionRefused || code === "ECONNREFUSED") {
    return new FtpConnectionError("refused", `The server refused the ${what}; check the host and port`, {
      cause: error
    });
  }
  if (/lookup address|name or service not known|nodename nor servname/i.test(message) || code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new FtpConnectionError("host-not-found", `Cannot resolve the host name for the ${what}; check the spelling or DNS`, {
      cause: error
    });
  }
  if (error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionAborted || [
    "ECONNRESET",
    "EPIPE",
    "ECONNABORTED"
  ].includes(code)) {
    return new FtpConnectionError("reset", `The server reset the ${what} (${message})`, {
      cause: error
    });
  }
  return new FtpConnectionError("closed", `The ${what} failed: ${message}`, {
    cause: error
  });
}

export {
  withDeadline,
  dial,
  dialDeno,
  acceptFrom,
  within,
  connectionError
};
