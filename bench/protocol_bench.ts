/**
 * Throughput of the pure protocol code on the hot path: reply parsing,
 * name and command sanitising, and ASCII-mode line-end conversion.
 *
 * The reply benches push 1,000 replies per iteration (iterations per second
 * × 1,000 = replies per second); the name benches check 1,000 names per
 * iteration; the line-end benches convert 1 MiB per iteration (iterations
 * per second = MiB per second).
 *
 * Run with `deno task bench` or `deno bench bench/protocol_bench.ts`.
 *
 * @module
 */

import { formatCommand } from "../src/protocol/command.ts";
import { crlfToLf, lfToCrlf } from "../src/protocol/line_endings.ts";
import { joinRemotePath, unsafeNameReason } from "../src/protocol/remote_path.ts";
import { ReplyParser } from "../src/protocol/reply.ts";

const encoder = new TextEncoder();
const REPLIES = 1_000;

/** A session's worth of single-line replies, as one read delivers them. */
const singleLine = encoder.encode(
  Array.from(
    { length: REPLIES },
    (_, i) =>
      i % 3 === 0
        ? "229 Entering Extended Passive Mode (|||40123|)\r\n"
        : i % 3 === 1
        ? "150 Opening BINARY mode data connection for file.bin (4096 bytes)\r\n"
        : "226 Transfer complete.\r\n",
  ).join(""),
);

/** FEAT-like multi-line replies of ten lines each. */
const multiLine = encoder.encode(
  Array.from(
    { length: REPLIES },
    () =>
      "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n MLST type*;size*;modify*;\r\n" +
      " PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End\r\n",
  ).join(""),
);

Deno.bench("ReplyParser: 1,000 single-line replies in one read", { group: "replies" }, () => {
  const replies = new ReplyParser().push(singleLine);
  if (replies.length !== REPLIES) throw new Error(`parsed ${replies.length}`);
});

Deno.bench("ReplyParser: 1,000 single-line replies in 64-byte reads", { group: "replies" }, () => {
  const parser = new ReplyParser();
  let count = 0;
  for (let i = 0; i < singleLine.length; i += 64) {
    count += parser.push(singleLine.subarray(i, i + 64)).length;
  }
  if (count !== REPLIES) throw new Error(`parsed ${count}`);
});

Deno.bench("ReplyParser: 1,000 eleven-line FEAT replies", { group: "replies" }, () => {
  const replies = new ReplyParser().push(multiLine);
  if (replies.length !== REPLIES) throw new Error(`parsed ${replies.length}`);
});

/** Listed names, mostly safe, some hostile, as a walk checks them. */
const names = Array.from({ length: 1_000 }, (_, i) => {
  switch (i % 10) {
    case 0:
      return "..";
    case 1:
      return `evil/../${i}`;
    case 2:
      return `C:secret-${i}`;
    case 3:
      return `Grüße 東京 ${i}.txt`;
    default:
      return `IMG_${String(i).padStart(6, "0")}.jpeg`;
  }
});

Deno.bench("unsafeNameReason: 1,000 listed names", { group: "names" }, () => {
  let unsafe = 0;
  for (const name of names) if (unsafeNameReason(name) !== undefined) unsafe++;
  if (unsafe !== 300) throw new Error(`${unsafe} unsafe`);
});

Deno.bench("joinRemotePath + formatCommand: 1,000 RETR lines", { group: "names" }, () => {
  let bytes = 0;
  for (let i = 3; i < names.length; i += 10) {
    for (let j = 0; j < 10 && i + j < names.length; j++) {
      const name = names[(i + j) % names.length];
      if (unsafeNameReason(name) !== undefined) continue;
      bytes += formatCommand("RETR", joinRemotePath("/pub/photos 2026", name)).length;
    }
  }
  if (bytes === 0) throw new Error("nothing formatted");
});

/** 1 MiB of text with LF line ends (lines of 20 to 120 bytes). */
const lfText = (() => {
  const out = new Uint8Array(1 << 20);
  let line = 0;
  for (let i = 0; i < out.length; i++) {
    line++;
    out[i] = line > 20 + (i % 100) ? 0x0a : 0x61 + (i % 26);
    if (out[i] === 0x0a) line = 0;
  }
  return out;
})();
const crlfText = lfToCrlf(lfText, false);

Deno.bench("lfToCrlf: 1 MiB (upload in TYPE A)", { group: "line ends" }, () => {
  const out = lfToCrlf(lfText, false);
  if (out.length <= lfText.length) throw new Error("nothing converted");
});

Deno.bench("crlfToLf: 1 MiB (download in TYPE A)", { group: "line ends" }, () => {
  const { bytes } = crlfToLf(crlfText, false);
  if (bytes.length !== lfText.length) throw new Error(`${bytes.length} bytes`);
});

Deno.bench("crlfToLf: 1 MiB in 16 KiB reads", { group: "line ends" }, () => {
  let held = false;
  let total = 0;
  for (let i = 0; i < crlfText.length; i += 16_384) {
    const converted = crlfToLf(crlfText.subarray(i, i + 16_384), held);
    held = converted.heldCr;
    total += converted.bytes.length;
  }
  if (total + (held ? 1 : 0) !== lfText.length) throw new Error(`${total} bytes`);
});
