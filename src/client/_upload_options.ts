// The synchronous checks of an upload call, run before the call is queued.
// They live apart from _upload.ts and _upload_source.ts, which load on the
// first upload (ftp_client.ts), because each module on a get's path costs
// start-up time (docs/performance.md, "Cold start"); the options are shaped
// when the call runs.

import { FtpInputError } from "../errors.ts";
import type { UploadOptions } from "./options.ts";
import type { LocalFile } from "./_local_file.ts";
import type { UploadSource } from "./_upload.ts";
import type { SourceUploadOptions } from "./_upload_source.ts";

/** The options of a whole-source upload, as the client takes them. */
export function sourceUploadOptions(
  options: UploadOptions,
): Pick<
  SourceUploadOptions,
  "append" | "atomic" | "temporary" | "resume" | "keepTemporary" | "checkSize" | "mtime"
> {
  const resume = options.resume === true;
  return {
    append: options.append === true,
    atomic: options.atomic === true,
    temporary: options.temporary,
    resume,
    keepTemporary: options.keepTemporary ?? resume,
    checkSize: options.checkSize,
    mtime: options.mtime,
  };
}

/**
 * Refuses option combinations that cannot work, before anything is sent.
 * `source` is absent for `upload(path)` and `uploadCommand`, which return
 * a stream: those take none of the whole-source options.
 */
export function checkUploadOptions(
  path: string,
  options: UploadOptions,
  source?: Exclude<UploadSource, URL> | LocalFile,
): void {
  const wholeOnly = ["atomic", "temporary", "resume", "keepTemporary", "checkSize", "mtime"]
    .filter((name) => options[name as keyof UploadOptions] !== undefined);
  if (source === undefined && wholeOnly.length > 0) {
    throw new FtpInputError(
      `${wholeOnly.join(", ")} need a whole source: use upload(path, source, options) or ` +
        `uploadFrom(localPath, path, options)`,
    );
  }
  if (options.append && (options.atomic || options.resume)) {
    throw new FtpInputError(
      "append adds to the remote file: it goes with neither atomic nor resume",
    );
  }
  if (options.resume && options.offset) {
    throw new FtpInputError(
      "Use either resume (from the size the server holds) or offset, not both",
    );
  }
  if (options.atomic && options.offset) {
    throw new FtpInputError("An atomic upload writes a new temporary: offset does not apply");
  }
  if (options.temporary !== undefined && !options.atomic) {
    throw new FtpInputError("temporary names an atomic upload's temporary: add atomic: true");
  }
  if (options.temporary !== undefined && (options.temporary === "" || options.temporary === path)) {
    throw new FtpInputError("An atomic upload's temporary must be another name than its target");
  }
  const localSource = typeof source === "object" && "localPath" in source;
  if (options.resume && source !== undefined && !localSource) {
    throw new FtpInputError(
      "resume reads the source from the byte the server holds: it needs a local file " +
        "(uploadFrom, or a file: URL)",
    );
  }
  if (options.checkSize && options.append) {
    throw new FtpInputError(
      "checkSize cannot know what an appended file should hold: the server's bytes before the " +
        "append are not counted",
    );
  }
  if (options.checkSize && options.type === "ascii") {
    throw new FtpInputError(
      "checkSize compares byte counts, which ASCII uploads change on the way: use binary",
    );
  }
  if (options.mtime !== undefined && !(options.mtime instanceof Date && !isNaN(+options.mtime))) {
    throw new FtpInputError("mtime must be a valid Date");
  }
}
