import {
  discardSegmented,
  loadSegments,
  removeSegments,
  saveSegments,
  splitRanges
} from "./chunk-BFTUMHFL.js";
import {
  localPath,
  localPathExists
} from "./chunk-3CMHRS5E.js";
import {
  partialPath,
  segmentStatePath
} from "./chunk-FS6M5UPR.js";
import {
  abortReason
} from "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import {
  FtpError,
  FtpSizeMismatchError
} from "./chunk-UN72SBEK.js";

// src/client/_segment_lines.ts
var SegmentLines = class {
  #idle;
  #open;
  #waiters = [];
  #opened = /* @__PURE__ */ new Set();
  #live;
  #max;
  #opening = 0;
  #refusal;
  #busy = 0;
  /** The most lines that were busy at once. */
  peak = 0;
  constructor(own, max, open) {
    this.#idle = [
      own
    ];
    this.#live = 1;
    this.#max = max;
    this.#open = open;
  }
  /** Lends an idle line, opens a new one, or waits for a release. */
  async acquire(signal) {
    for (; ; ) {
      if (signal.aborted) throw abortReason(signal);
      const idle = this.#idle.pop();
      if (idle) return this.#lent(idle);
      if (this.#live + this.#opening < this.#max) {
        this.#opening++;
        try {
          const line = await this.#open(signal);
          this.#opened.add(line);
          this.#live++;
          return this.#lent(line);
        } catch (error) {
          if (signal.aborted) throw abortReason(signal);
          if (this.#live === 0) throw error;
          this.#refusal = error;
          this.#max = this.#live;
        } finally {
          this.#opening--;
          this.#wake();
        }
        continue;
      }
      if (this.#live === 0 && this.#opening === 0) throw this.#refusal;
      await new Promise((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        this.#waiters.push(done);
        signal.addEventListener("abort", done, {
          once: true
        });
      });
    }
  }
  /**
   * Gives a line back; a broken one (`broken`, or no longer usable) is
   * closed, and another may be opened in its place.
   */
  release(line, broken = false) {
    this.#busy--;
    if (!broken && line.usable) {
      this.#idle.push(line);
    } else {
      this.#live--;
      this.#opened.delete(line);
      void line.close().catch(() => {
      });
    }
    this.#wake();
  }
  /** Closes every line opened here (the client's own stays). */
  async close() {
    const lines = [
      ...this.#opened
    ];
    this.#opened.clear();
    this.#idle.length = 0;
    await Promise.all(lines.map((line) => line.close().catch(() => {
    })));
  }
  #lent(line) {
    this.#busy++;
    this.peak = Math.max(this.peak, this.#busy);
    return line;
  }
  #wake() {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }
};

// src/client/_segmented_download.ts
var MIN_SEGMENT_BYTES = 4 * 1024 * 1024;
var SEGMENT_THRESHOLD_BYTES = 2 * MIN_SEGMENT_BYTES;
var SEGMENT_RETRIES = 3;
var MAX_SEGMENTS = 16;
var SAVE_EVERY_MS = 250;
async function downloadSegmented(session, remote, destination, options) {
  const part = partialPath(localPath(destination));
  const statePath = segmentStatePath(part);
  const one = async () => {
    discardSegmented(part, statePath);
    return {
      ...await options.single(),
      segments: 1,
      connections: 1
    };
  };
  if (!session.features.has("REST")) {
    options.warn(`${remote}: the server offers no REST (FEAT), so byte ranges cannot be fetched: downloading over one connection instead of ${options.segments}`);
    return await one();
  }
  const size = options.size ?? await session.size(remote).catch(() => void 0);
  if (size === void 0) {
    options.warn(`${remote}: the server does not tell its size (SIZE): one connection`);
    return await one();
  }
  if (size < SEGMENT_THRESHOLD_BYTES) {
    options.info(`${remote}: ${size} bytes, under ${SEGMENT_THRESHOLD_BYTES}: one connection gains as much`);
    return await one();
  }
  const { posix } = await import("node:path");
  const absolute = remote.startsWith("/") ? remote : posix.join(await session.pwd(), remote);
  const serverTime = session.features.has("MDTM") ? await session.mdtm(remote).catch(() => void 0) : void 0;
  const path = localPath(destination);
  const file = {
    remote: absolute,
    size,
    mtime: serverTime?.toISOString() ?? ""
  };
  const count = Math.min(options.segments, Math.floor(size / MIN_SEGMENT_BYTES));
  let segments = options.resume && serverTime && localPathExists(part) ? loadSegments(statePath, file) : void 0;
  if (options.resume && !segments && (localPathExists(part) || localPathExists(statePath))) {
    options.warn(`${part}: its segments do not match ${remote} on the server (size or time changed, or no server time to compare): starting over`);
  }
  const resumedFrom = segments ? segments.reduce((sum, s) => sum + s.done, 0) : 0;
  Deno.openSync(part, {
    write: true,
    create: true,
    truncate: !segments
  }).close();
  segments ??= splitRanges(size, count);
  saveSegments(statePath, file, segments);
  let saved = 0;
  const save = (force) => {
    if (!force && Date.now() - saved < SAVE_EVERY_MS) return;
    saved = Date.now();
    saveSegments(statePath, file, segments);
  };
  const cleanUp = () => {
    if (options.keepTemporary) return;
    removeSegments(statePath);
    try {
      Deno.removeSync(part);
    } catch {
    }
  };
  const carried = options.events(size);
  let carriedBytes = 0;
  let held = resumedFrom;
  const report = () => options.onProgress?.({
    bytes: held,
    offset: resumedFrom,
    total: size
  });
  report();
  const sink = {
    part,
    carried(bytes) {
      carriedBytes += bytes;
      carried(carriedBytes);
    },
    wrote(_segment, bytes) {
      held += bytes;
      save(false);
      report();
    }
  };
  const stop = new AbortController();
  const signal = AbortSignal.any([
    options.signal,
    stop.signal
  ]);
  const lines = new SegmentLines(options.own(session), count, options.open);
  const fetchSegment = async (segment, index) => {
    for (let failures = 0; ; failures++) {
      const line = await lines.acquire(signal);
      try {
        await line.fetch({
          remote: absolute,
          segment,
          size,
          sink,
          signal
        });
        lines.release(line);
        return;
      } catch (error) {
        const broken = !(error instanceof FtpError) || error.breaksConnection;
        lines.release(line, broken);
        if (signal.aborted) throw abortReason(options.signal.aborted ? options.signal : signal);
        if (!worthRetrying(error) || failures >= SEGMENT_RETRIES) throw error;
        options.warn(`${remote}: segment ${index + 1} of ${segments.length} failed at byte ${segment.from + segment.done} (${error.message}): retrying from there` + (broken ? " on another connection (this one broke)" : ""));
      }
    }
  };
  try {
    let failure;
    await Promise.all(segments.map((segment, index) => fetchSegment(segment, index).catch((error) => {
      failure ??= error;
      stop.abort(error);
    })));
    if (failure !== void 0) throw failure;
    const total = Deno.statSync(part).size;
    if (total !== size) {
      throw new FtpSizeMismatchError(remote, size, total, `${remote}: the segments put ${total} of ${size} bytes in ${part}; ` + (options.keepTemporary ? "it is kept to resume" : "nothing was put in place"));
    }
    const mtime = options.mtime === "remote" ? serverTime : options.mtime;
    if (mtime) Deno.utimeSync(part, /* @__PURE__ */ new Date(), mtime);
    Deno.renameSync(part, path);
    removeSegments(statePath);
    const result = {
      bytes: carriedBytes,
      reply: "",
      segments: segments.length,
      connections: lines.peak
    };
    if (resumedFrom > 0) result.resumedFrom = resumedFrom;
    return result;
  } catch (error) {
    if (localPathExists(part)) save(true);
    cleanUp();
    throw error;
  } finally {
    await lines.close();
  }
}
function worthRetrying(error) {
  return error instanceof FtpError && error.retryable && !(error instanceof FtpSizeMismatchError);
}
export {
  MAX_SEGMENTS,
  MIN_SEGMENT_BYTES,
  SEGMENT_RETRIES,
  SEGMENT_THRESHOLD_BYTES,
  downloadSegmented
};
