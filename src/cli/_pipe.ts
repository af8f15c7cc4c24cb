// `ferry get URL -` and `ferry put - URL`: one file between the server and
// standard output or input, as Web Streams end to end (no temporary file,
// memory bounded by the streams' buffers). The bytes are the file's and pass
// through untouched; only messages go through the redactor.
//
// Pipes are not retried: standard input cannot be read a second time, and
// bytes already written to standard output cannot be taken back.

import { FtpClient } from "../client/ftp_client.ts";
import { partialPath } from "../client/temporary_names.ts";
import { urlConnection, type UrlOptions } from "./_oneshot.ts";
import { type CliIo, EXIT_INTERRUPTED, UsageError, withInterrupt } from "./_io.ts";
import { printable } from "./_printable.ts";

/** The file a pipe URL names; a directory or a glob cannot be piped. */
function filePath(path: string | undefined): string {
  if (path === undefined || path === "" || path.endsWith("/")) {
    throw new UsageError("with -, the URL must name one file, as in ftp://host/dir/file.tar");
  }
  if (/[*?[\]{}]/.test(path)) {
    throw new UsageError("with -, the URL must name one file: globs cannot be piped");
  }
  return path;
}

/** Connects for a pipe, printing the client's warnings (such as --insecure's). */
async function connect(
  url: string,
  flags: UrlOptions,
  io: CliIo,
): Promise<{ client: FtpClient; path: string }> {
  const { connection, secrets, path } = await urlConnection(url, flags);
  io.hide(secrets);
  const file = filePath(path);
  const client = new FtpClient(connection.options);
  client.addEventListener("warning", (e) => io.stderr(`ferry: warning: ${printable(e.message)}\n`));
  try {
    await client.connect();
  } catch (error) {
    await client.close();
    throw error;
  }
  return { client, path: file };
}

/**
 * `ferry get URL -`: the file to `output` (standard output). A failure after
 * bytes went out exits 1 with the message on standard error; what was
 * written stays written, as with curl.
 */
export async function pipeGet(
  url: string,
  flags: UrlOptions,
  io: CliIo,
  output: WritableStream<Uint8Array> = Deno.stdout.writable,
): Promise<number> {
  const { client, path } = await connect(url, flags, io);
  await using _ = client;
  return await withInterrupt(io, async (signal) => {
    try {
      const stream = await client.download(path, { signal });
      await stream.pipeTo(output, { preventClose: true, signal });
      return 0;
    } catch (error) {
      if (signal.aborted) return EXIT_INTERRUPTED;
      throw error;
    }
  });
}

/**
 * `ferry put - URL`: `input` (standard input) to the file URL names, as
 * the client's atomic upload: the bytes go to a temporary name beside it,
 * unique to this run, whose size is checked against what was sent (SIZE),
 * and which is then renamed over the old file (moving it aside first on a
 * server that will not rename over a file): a cut pipe or a short upload
 * never replaces it. A failed upload's temporary is removed; a refused
 * rename leaves the whole new file at its temporary name, and the error
 * says where.
 */
export async function pipePut(
  url: string,
  flags: UrlOptions & { quiet?: boolean },
  io: CliIo,
  input: ReadableStream<Uint8Array> = Deno.stdin.readable,
): Promise<number> {
  const { client, path } = await connect(url, flags, io);
  await using _ = client;
  const temporary = pipeTemporary(path);
  return await withInterrupt(io, async (signal) => {
    try {
      const { bytes } = await client.upload(path, input, { atomic: true, temporary, signal });
      if (!flags.quiet) io.stderr(`↑ upload - → ${printable(path)} (${bytes} B)\n`);
      return 0;
    } catch (error) {
      if (signal.aborted) return EXIT_INTERRUPTED;
      throw error;
    }
  });
}

/** A temporary name beside `path`, unique to this run. */
function pipeTemporary(path: string): string {
  const tag = crypto.getRandomValues(new Uint32Array(1))[0].toString(16).padStart(8, "0");
  return partialPath(`${path}.${tag}`);
}
