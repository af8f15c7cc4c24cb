import assert from "node:assert/strict";
import fc from "fast-check";
import { CrlfToLfStream, LfToCrlfStream, LineSplitter } from "../../src/protocol/mod.ts";

async function through(
  chunks: Uint8Array[],
  transform: TransformStream<Uint8Array, Uint8Array>,
): Promise<Uint8Array> {
  const stream = ReadableStream.from(chunks).pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of points) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("CRLF to LF keeps lone CRs, across any chunk split", async () => {
  assert.deepEqual(
    await through([text("a\r"), text("\nb\rc\r")], new CrlfToLfStream()),
    text("a\nb\rc\r"),
  );
});

Deno.test("LF to CRLF leaves existing CRLF alone, across any chunk split", async () => {
  assert.deepEqual(
    await through([text("a\nb\r"), text("\nc")], new LfToCrlfStream()),
    text("a\r\nb\r\nc"),
  );
});

Deno.test("property: LF text survives LF->CRLF->LF unchanged for any chunking", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 200 }).map((b) => b.map((x) => (x === 13 ? 10 : x))),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      async (bytes, cutsA, cutsB) => {
        const wire = await through(split(bytes, cutsA), new LfToCrlfStream());
        const back = await through(split(wire, cutsB), new CrlfToLfStream());
        assert.deepEqual(back, bytes);
      },
    ),
    { seed: 42, numRuns: 300 },
  );
});

Deno.test("LineSplitter splits CRLF and LF lines across chunks and keeps a last partial line", () => {
  const splitter = new LineSplitter();
  assert.deepEqual(splitter.push(text("a\r\nb")), ["a"]);
  assert.deepEqual(splitter.push(text("c\nd\r")), ["bc"]);
  assert.deepEqual(splitter.push(text("\n")), ["d"]);
  assert.deepEqual(splitter.push(text("tail")), []);
  assert.deepEqual(splitter.end(), ["tail"]);
});

Deno.test("LineSplitter bounds an endless line", () => {
  const splitter = new LineSplitter({ maxLineBytes: 1000 });
  assert.throws(() => {
    for (let i = 0; i < 100; i++) splitter.push(new Uint8Array(100).fill(65));
  }, /longer than 1000 bytes/);
});
