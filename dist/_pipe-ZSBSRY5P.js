import {
  urlConnection
} from "./chunk-6AV5OYIV.js";
import {
  FtpClient
} from "./chunk-OAUP5DGT.js";
import "./chunk-MDAPYFKY.js";
import "./chunk-U3WY2XO2.js";
import "./chunk-NWFYDGVE.js";
import "./chunk-BFTUMHFL.js";
import "./chunk-MH6OJTMF.js";
import "./chunk-3CMHRS5E.js";
import "./chunk-YAX2L4F7.js";
import {
  partialPath
} from "./chunk-FS6M5UPR.js";
import {
  printable
} from "./chunk-S6NQWXE5.js";
import {
  EXIT_INTERRUPTED,
  UsageError,
  withInterrupt
} from "./chunk-IGADUVIL.js";
import "./chunk-URKZZK3P.js";
import "./chunk-KOF6ERUA.js";
import "./chunk-ZN2EVIR7.js";
import "./chunk-EWLIKXQH.js";
import "./chunk-6Y7TI5L4.js";
import "./chunk-VANQ5W6K.js";
import "./chunk-ZZKKPKQ6.js";
import "./chunk-IOE4GXSG.js";
import "./chunk-JTZGJBJ2.js";
import "./chunk-OKDFGV22.js";
import "./chunk-RK3YRUIX.js";
import "./chunk-YWCC54TA.js";
import "./chunk-AFMGHXC2.js";
import "./chunk-Q64DFV4C.js";
import "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import "./chunk-UN72SBEK.js";

// src/cli/_pipe.ts
function filePath(path) {
  if (path === void 0 || path === "" || path.endsWith("/")) {
    throw new UsageError("with -, the URL must name one file, as in ftp://host/dir/file.tar");
  }
  if (/[*?[\]{}]/.test(path)) {
    throw new UsageError("with -, the URL must name one file: globs cannot be piped");
  }
  return path;
}
async function connect(url, flags, io) {
  const { connection, secrets, path } = await urlConnection(url, flags);
  io.hide(secrets);
  const file = filePath(path);
  const client = new FtpClient(connection.options);
  client.addEventListener("warning", (e) => io.stderr(`ferry: warning: ${printable(e.message)}
`));
  try {
    await client.connect();
  } catch (error) {
    await client.close();
    throw error;
  }
  return {
    client,
    path: file
  };
}
async function pipeGet(url, flags, io, output = Deno.stdout.writable) {
  const { client, path } = await connect(url, flags, io);
  await using _ = client;
  return await withInterrupt(io, async (signal) => {
    try {
      const stream = await client.download(path, {
        signal
      });
      await stream.pipeTo(output, {
        preventClose: true,
        signal
      });
      return 0;
    } catch (error) {
      if (signal.aborted) return EXIT_INTERRUPTED;
      throw error;
    }
  });
}
async function pipePut(url, flags, io, input = Deno.stdin.readable) {
  const { client, path } = await connect(url, flags, io);
  await using _ = client;
  const temporary = pipeTemporary(path);
  return await withInterrupt(io, async (signal) => {
    try {
      const { bytes } = await client.upload(path, input, {
        atomic: true,
        temporary,
        signal
      });
      if (!flags.quiet) io.stderr(`\u2191 upload - \u2192 ${printable(path)} (${bytes} B)
`);
      return 0;
    } catch (error) {
      if (signal.aborted) return EXIT_INTERRUPTED;
      throw error;
    }
  });
}
function pipeTemporary(path) {
  const tag = crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0");
  return partialPath(`${path}.${tag}`);
}
export {
  pipeGet,
  pipePut
};
