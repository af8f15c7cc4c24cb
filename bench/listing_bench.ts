/**
 * Listing parser throughput. The line parsers parse one line per iteration
 * (cycling through 10,000 varied lines), so the `iter/s` column reads as
 * lines per second. The whole-listing benches parse 10,000 lines per
 * iteration: lines per second = iterations per second × 10,000.
 *
 * Run with `deno task bench` or `deno bench bench/listing_bench.ts`.
 *
 * @module
 */

import { parseMlsdLine } from "../src/listing/parse_mlsd.ts";
import { parseUnixLine } from "../src/listing/parse_unix.ts";
import { parseDosLine } from "../src/listing/parse_dos.ts";
import { parseEplfLine } from "../src/listing/parse_eplf.ts";
import { ListParser, parseList } from "../src/listing/parse_list.ts";

const LINES = 10_000;
const NOW = new Date("2026-11-22T01:27:00Z");

/** Names of varying length and shape, as a real directory has. */
function name(i: number): string {
  switch (i % 5) {
    case 0:
      return `file-${i}.txt`;
    case 1:
      return `Report ${i} (final)  v2.pdf`;
    case 2:
      return `Grüße 東京 ${i}.txt`;
    case 3:
      return `IMG_${String(i).padStart(6, "0")}.jpeg`;
    default:
      return `a-rather-long-directory-entry-name-${i}-with-many-characters.tar.gz`;
  }
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov"];

function unixLine(i: number): string {
  const size = String((i * 7919) % 10_000_000).padStart(12);
  const month = months[i % months.length];
  const day = String(1 + (i % 28)).padStart(2);
  switch (i % 4) {
    case 0:
      return `drwxr-xr-x    2 ftp      ftp      ${size} ${month} ${day}  2019 ${name(i)}`;
    case 1:
      return `lrwxrwxrwx    1 ftp      ftp      ${size} ${month} ${day} 10:0${i % 10} ${
        name(i)
      } -> target/${i}`;
    default:
      return `-rw-r--r--    1 ftp      ftp      ${size} ${month} ${day} 1${i % 10}:35 ${name(i)}`;
  }
}

function mlsdLine(i: number): string {
  const type = i % 4 === 0 ? "dir" : "file";
  return `modify=20261120140509;perm=adfrw;size=${i * 7919};type=${type};unique=FE00U20C${i};` +
    `UNIX.group=1001;UNIX.groupname=ferrylist;UNIX.mode=0644;UNIX.owner=1001;` +
    `UNIX.ownername=ferrylist; ${name(i)}`;
}

function dosLine(i: number): string {
  const date = `${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}-${
    String(i % 100).padStart(2, "0")
  }`;
  const time = `${String(1 + (i % 12)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}${
    i % 2 ? "PM" : "AM"
  }`;
  return i % 4 === 0
    ? `${date}  ${time}       <DIR>          ${name(i)}`
    : `${date}  ${time} ${String(i * 7919).padStart(20)} ${name(i)}`;
}

function eplfLine(i: number): string {
  return `+i8388621.${i},m${825718503 + i},${i % 4 === 0 ? "/" : "r"},s${i * 7919},\t${name(i)}`;
}

function lines(make: (i: number) => string): string[] {
  return Array.from({ length: LINES }, (_, i) => make(i));
}

const unix = lines(unixLine);
const mlsd = lines(mlsdLine);
const dos = lines(dosLine);
const eplf = lines(eplfLine);
const unixText = unix.join("\r\n") + "\r\n";
const dosText = dos.join("\r\n") + "\r\n";

// Every line must parse to a named entry, or the numbers measure failure paths.
for (
  const [label, list, parse] of [
    ["unix", unix, (l: string) => parseUnixLine(l, { now: NOW })],
    ["mlsd", mlsd, parseMlsdLine],
    ["dos", dos, parseDosLine],
    ["eplf", eplf, parseEplfLine],
  ] as const
) {
  for (const line of list) {
    if (!parse(line)?.name) throw new Error(`${label} line did not parse: ${line}`);
  }
}

let sink = 0;

/** One line per call, cycling through the sample, so iter/s = lines/s. */
function cycling(list: readonly string[]): () => string {
  let i = 0;
  return () => list[i++ % list.length];
}

const nextUnix = cycling(unix);
Deno.bench("Unix LIST line (iter/s = lines/s)", { group: "unix", baseline: true }, () => {
  sink += parseUnixLine(nextUnix(), { now: NOW })!.name.length;
});

const parser = new ListParser({ now: NOW });
const nextDetected = cycling(unix);
Deno.bench(
  "Unix LIST line with detection, ListParser (iter/s = lines/s)",
  { group: "unix" },
  () => {
    sink += parser.parseLine(nextDetected())!.name.length;
  },
);

Deno.bench("parseList (Unix text, CRLF), 10,000 lines per iteration", { group: "unix" }, () => {
  sink += parseList(unixText, { now: NOW }).length;
});

const nextMlsd = cycling(mlsd);
Deno.bench("MLSD line (iter/s = lines/s)", { group: "mlsd" }, () => {
  sink += parseMlsdLine(nextMlsd())!.name.length;
});

const nextDos = cycling(dos);
Deno.bench("DOS/IIS LIST line (iter/s = lines/s)", { group: "dos", baseline: true }, () => {
  sink += parseDosLine(nextDos())!.name.length;
});

Deno.bench("parseList (DOS text, CRLF), 10,000 lines per iteration", { group: "dos" }, () => {
  sink += parseList(dosText).length;
});

const nextEplf = cycling(eplf);
Deno.bench("EPLF line (iter/s = lines/s)", { group: "eplf" }, () => {
  sink += parseEplfLine(nextEplf())!.name.length;
});

globalThis.addEventListener("unload", () => {
  if (sink === -1) console.log(sink);
});
