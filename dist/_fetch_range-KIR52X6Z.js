import {
  writeAllSync
} from "./chunk-IOE4GXSG.js";
import {
  transferBufferBytes
} from "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import {
  FtpSizeMismatchError
} from "./chunk-UN72SBEK.js";

// src/client/_fetch_range.ts
async function fetchRange(session, request) {
  const { remote, segment, size, sink, signal } = request;
  const start = segment.from + segment.done;
  if (start >= segment.to) return;
  const file = Deno.openSync(sink.part, {
    write: true
  });
  try {
    file.seekSync(start, Deno.SeekMode.Start);
    const transfer = await session.retr(remote, {
      type: "binary",
      offset: start,
      signal,
      rateLimit: request.rateLimit
    });
    for await (const chunk of transfer.receive(transferBufferBytes(segment.to - start))) {
      sink.carried(chunk.length);
      const take = Math.min(chunk.length, segment.to - segment.from - segment.done);
      writeAllSync(file, take === chunk.length ? chunk : chunk.subarray(0, take));
      segment.done += take;
      sink.wrote(segment, take);
      if (take < chunk.length || segment.to < size && segment.from + segment.done >= segment.to) {
        await transfer.stopReading();
        break;
      }
    }
  } finally {
    file.close();
  }
  const held = segment.from + segment.done;
  if (held < segment.to) {
    throw new FtpSizeMismatchError(remote, segment.to, held, `${remote}: the server's file ended at byte ${held}, inside the segment ${segment.from}-${segment.to}: it changed during the download; download it again`);
  }
}
export {
  fetchRange
};
