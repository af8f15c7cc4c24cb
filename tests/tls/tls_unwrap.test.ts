// The boundary where TLS ends on a connection that goes on in plain text
// (CCC): whole TLS records go to TLS, the first byte that cannot start a
// record starts the plain text, however the bytes were cut into reads.

import assert from "node:assert/strict";
import { PlainAfterTls, TlsUnwrap } from "../../src/transport/_tls_unwrap.ts";
import type { ByteStream } from "../../src/transport/byte_stream.ts";

/** A TLS record: type 21 (alert), version 3.3, the body's length, the body. */
function record(body: number[]): Uint8Array {
  return new Uint8Array([21, 3, 3, body.length >> 8, body.length & 0xff, ...body]);
}

const closeNotify = record([1, 0]);
const appData = new Uint8Array([23, 3, 3, 0, 3, 9, 9, 9]);
const reply = new TextEncoder().encode("200 Type set to I\r\n");

function joined(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function takeAll(unwrap: TlsUnwrap): Uint8Array {
  const parts: Uint8Array[] = [];
  const buffer = new Uint8Array(7); // Smaller than the reply: taken in pieces.
  // Bounded by the bytes held.
  for (let n = unwrap.takePlain(buffer); n > 0; n = unwrap.takePlain(buffer)) {
    parts.push(buffer.slice(0, n));
  }
  return joined(...parts);
}

Deno.test("TlsUnwrap: records and plain text in every cut of one stream: TLS gets exactly the records, the plain reader exactly the rest", () => {
  const stream = joined(appData, closeNotify, reply);
  const tlsEnd = appData.length + closeNotify.length;
  // Every pair of cut points: 3 reads of any sizes.
  for (let a = 0; a <= stream.length; a++) {
    for (let b = a; b <= stream.length; b++) {
      const unwrap = new TlsUnwrap();
      const forTls: Uint8Array[] = [];
      for (const chunk of [stream.slice(0, a), stream.slice(a, b), stream.slice(b)]) {
        if (chunk.length === 0) continue;
        const out = unwrap.split(chunk.slice());
        if (out) forTls.push(out.slice());
      }
      assert.deepEqual(joined(...forTls), stream.subarray(0, tlsEnd), `cut at ${a}, ${b}`);
      unwrap.detach();
      assert.deepEqual(takeAll(unwrap), reply, `cut at ${a}, ${b}`);
    }
  }
});

Deno.test("TlsUnwrap: after detach every byte is plain, a record cut short included, and the end of the stream ends the plain reader", () => {
  const unwrap = new TlsUnwrap();
  assert.equal(unwrap.split(closeNotify.subarray(0, 3).slice())?.length, 0);
  unwrap.detach();
  assert.equal(unwrap.split(reply.slice()), undefined);
  assert.equal(unwrap.split(null), undefined);
  assert.equal(unwrap.drained, false);
  assert.deepEqual(takeAll(unwrap), joined(closeNotify.subarray(0, 3), reply));
  assert.equal(unwrap.drained, true);
});

Deno.test("PlainAfterTls: bytes of a read still in flight when TLS ended come first, before the connection is read again", async () => {
  const unwrap = new TlsUnwrap();
  unwrap.detach();
  const later = new TextEncoder().encode("226 later\r\n");
  let connReads = 0;
  const conn = {
    read: (buffer: Uint8Array) => {
      connReads++;
      buffer.set(later);
      return Promise.resolve(later.length);
    },
  } as unknown as ByteStream;
  let inFlight: Promise<void> | undefined = new Promise<void>((resolve) =>
    setTimeout(() => {
      unwrap.split(reply.slice()); // What the TLS side's last read brought.
      inFlight = undefined;
      resolve();
    }, 10)
  );
  const plain = new PlainAfterTls(conn, unwrap, () => inFlight);
  const buffer = new Uint8Array(64);
  const n = await plain.read(buffer);
  assert.deepEqual(buffer.subarray(0, n!), reply);
  assert.equal(connReads, 0);
  const m = await plain.read(buffer);
  assert.deepEqual(buffer.subarray(0, m!), later);
  assert.equal(connReads, 1);
});
