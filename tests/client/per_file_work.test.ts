// The work a small download costs besides its round trips (issue 15, the
// CPU floor of 1000 small files): timers, events, buffers, counted rather
// than timed. Each count is one that a change adding per-file work fails.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient } from "../../mod.ts";
import { FtpTestServer } from "../../src/testing/mod.ts";
import { timersStarted } from "../../src/std/timer.ts";
import { dialDeno } from "../../src/transport/_socket.ts";
import { FtpAbortError } from "../../src/errors.ts";
import { pseudoRandomBytes, sha256, sha256File, tempDir } from "../_helpers.ts";

const FILES = 20;

async function withFiles(sizes: number[]) {
  const server = await FtpTestServer.start();
  const hashes: string[] = [];
  for (const [i, size] of sizes.entries()) {
    const bytes = pseudoRandomBytes(size, i + 1);
    await Deno.writeFile(join(server.root, `f${i}.bin`), bytes);
    hashes.push(sha256(bytes));
  }
  return { server, hashes };
}

/**
 * Counts the timers the client starts during `work`: `setTimeout` and
 * `setInterval`, and src/std/timer.ts's (`timersStarted`); and the
 * `AbortSignal.timeout` signals, which src/std/timer.ts builds its timers on.
 * The embedded server runs in this process too, and its timers are left out.
 */
async function countTimeouts(
  work: () => Promise<void>,
): Promise<{ timers: number; signals: number }> {
  const originals = {
    setTimeout: globalThis.setTimeout,
    setInterval: globalThis.setInterval,
    signalTimeout: AbortSignal.timeout,
  };
  let started = 0;
  let signals = 0;
  const ours = () => !new Error().stack!.includes("/src/testing/");
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    if (ours()) started++;
    return originals.setTimeout(...args);
  }) as typeof setTimeout;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    if (ours()) started++;
    return originals.setInterval(...args);
  }) as typeof setInterval;
  AbortSignal.timeout = (ms: number) => {
    if (ours()) signals++;
    return originals.signalTimeout.call(AbortSignal, ms);
  };
  const before = timersStarted();
  try {
    await work();
  } finally {
    globalThis.setTimeout = originals.setTimeout;
    globalThis.setInterval = originals.setInterval;
    AbortSignal.timeout = originals.signalTimeout;
  }
  return { timers: started + timersStarted() - before, signals };
}

Deno.test("small downloads: one reply timer per connection, not one per reply read", async () => {
  const { server, hashes } = await withFiles(new Array(FILES).fill(4096));
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  await client.downloadTo("f0.bin", join(dir.path, "warm.bin")); // The first EPSV goes in turn.
  const { timers, signals } = await countTimeouts(async () => {
    for (let i = 0; i < FILES; i++) {
      await client.downloadTo(`f${i}.bin`, join(dir.path, `f${i}.bin`));
    }
  });
  for (let i = 0; i < FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  // Per file: the data connection's connect deadline and its stall watchdog.
  // The three replies each file reads (150, 226, the next EPSV's 229) share
  // the connection's timer.
  assert.ok(timers >= FILES, `${timers} timers for ${FILES} downloads: are they counted?`);
  assert.ok(timers <= 2 * FILES + 2, `${timers} timers for ${FILES} downloads`);
  // They share one armed AbortSignal.timeout: one each was an insert into
  // Deno's timer heap that a clear could not take back (it fired later and
  // made a DOMException).
  assert.ok(signals <= 3, `${signals} AbortSignal.timeout signals for ${timers} timers`);
});

Deno.test("events nobody listens to are not dispatched; those listened to still are", async () => {
  const { server } = await withFiles([100, 200]);
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  const dispatched: string[] = [];
  const original = client.dispatchEvent.bind(client);
  client.dispatchEvent = (event: Event) => {
    dispatched.push(event.type);
    return original(event);
  };
  await client.downloadTo("f0.bin", join(dir.path, "f0.bin"));
  assert.deepEqual(dispatched, []);
  const replies: number[] = [];
  client.addEventListener("reply", (event) => replies.push(event.reply.code));
  await client.downloadTo("f1.bin", join(dir.path, "f1.bin"));
  assert.ok(replies.includes(150) && replies.includes(226), `replies ${replies}`);
  assert.deepEqual(new Set(dispatched), new Set(["reply"]));
});

Deno.test("small downloads reuse their read buffers: bytes intact across sizes on one connection, a stopped transfer in between", async () => {
  // Around the reused buffers' size (64 KiB), and a listing and an aborted
  // download in between, whose buffers must not be handed on.
  const sizes = [0, 1, 4096, 65_535, 65_536, 65_537, 200_000, 10, 4096, 70_000, 3];
  const { server, hashes } = await withFiles(sizes);
  await using _ = server;
  await Deno.writeFile(join(server.root, "big.bin"), pseudoRandomBytes(8 << 20, 99));
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  for (const [i] of sizes.entries()) {
    await client.downloadTo(`f${i}.bin`, join(dir.path, `f${i}.bin`));
    if (i === 3) await client.list();
    if (i === 6) {
      const controller = new AbortController();
      const cut = client.downloadTo("big.bin", join(dir.path, "cut.bin"), {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.bytes > 0) controller.abort();
        },
      });
      await assert.rejects(cut);
    }
  }
  for (const [i] of sizes.entries()) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i], `f${i}.bin`);
  }
});

Deno.test("small downloads encode each command line once: a path is not encoded again to check it (UTF-8 carries every character)", async () => {
  const { server, hashes } = await withFiles(new Array(FILES).fill(4096));
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  await client.downloadTo("f0.bin", join(dir.path, "warm.bin")); // The first EPSV goes in turn.
  const encode = TextEncoder.prototype.encode;
  let encoded = 0;
  TextEncoder.prototype.encode = function (this: TextEncoder, input?: string) {
    if (!new Error().stack!.includes("/src/testing/")) encoded++;
    return encode.call(this, input);
  };
  try {
    for (let i = 0; i < FILES; i++) {
      await client.downloadTo(`f${i}.bin`, join(dir.path, `f${i}.bin`));
    }
  } finally {
    TextEncoder.prototype.encode = encode;
  }
  for (let i = 0; i < FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  // Per file: RETR, and the next file's EPSV sent with the transfer's end.
  assert.ok(encoded >= FILES, `${encoded} encodings for ${FILES} downloads: are they counted?`);
  assert.ok(encoded <= 2 * FILES + 1, `${encoded} encodings for ${FILES} downloads`);
});

Deno.test("a name a legacy encoding cannot carry still fails the call before anything is sent", async () => {
  const { server } = await withFiles([10]);
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`, {
    encoding: "latin1",
  });
  const commands: string[] = [];
  client.addEventListener("commandStarted", (event) => commands.push(event.command));
  await assert.rejects(
    client.downloadTo("文件.bin", join(dir.path, "x.bin")),
    (error: Error) => error.name === "FtpInputError",
  );
  assert.deepEqual(commands, []);
  await assert.rejects(Deno.stat(join(dir.path, "x.bin")), Deno.errors.NotFound);
});

/**
 * Counts the calls of `Array.prototype.map`, `filter`, `push` and its
 * iterator, of `String.prototype.replace` and `split`, and of `Promise.race`
 * made by ferry's code (not the embedded server's, nor the timers' heap)
 * during `work`: the arrays, copies and promises a reply or a command costs.
 */
async function countArrayWork(work: () => Promise<void>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {
    map: 0,
    filter: 0,
    push: 0,
    replace: 0,
    split: 0,
    iterator: 0,
    race: 0,
    exec: 0,
    subarray: 0,
    then: 0,
  };
  const restore: (() => void)[] = [];
  const includes = String.prototype.includes;
  const split = String.prototype.split as (
    this: string,
    separator: string,
    limit: number,
  ) => string[];
  const wrap = <T extends object>(owner: T, name: keyof T, counter: string) => {
    const original = owner[name] as (...args: unknown[]) => unknown;
    owner[name] = function (this: unknown, ...args: unknown[]) {
      // Ferry's code, not the embedded server's (which shares src/protocol/),
      // and not the timers' deadline heap (src/std/timer.ts), which pushes
      // into the one array it keeps: no array per reply or command. The
      // caller is the frame after "Error" and this wrapper.
      const stack = new Error().stack!;
      const caller = split.call(stack, "\n", 3)[2] ?? "";
      const counted = includes.call(stack, "/src/") && !includes.call(stack, "/src/testing/") &&
        !includes.call(caller, "/src/std/timer.ts");
      if (counted) counts[counter]++;
      return original.apply(this, args);
    } as T[keyof T];
    restore.push(() => owner[name] = original as T[keyof T]);
  };
  wrap(Array.prototype, "map", "map");
  wrap(Array.prototype, "filter", "filter");
  wrap(Array.prototype, "push", "push");
  wrap(String.prototype, "replace", "replace");
  wrap(String.prototype, "split", "split");
  // The iterator a `for … of` over an array (or a spread) makes, and the
  // promises a race makes (its own, one per contender, and the iterator
  // over them).
  wrap(Array.prototype, Symbol.iterator, "iterator");
  wrap(Promise, "race", "race");
  // A promise derived from another (`then`, `catch`, `finally`), not an `await`.
  wrap(Promise.prototype, "then", "then");
  // Every regular expression's match, test or replace goes through its
  // `exec` once that is replaced.
  wrap(RegExp.prototype, "exec", "exec");
  // Views of bytes (each an object): Uint8Array's `subarray` is its prototype's.
  wrap(Object.getPrototypeOf(Uint8Array.prototype) as Uint8Array, "subarray", "subarray");
  try {
    await work();
  } finally {
    for (const undo of restore) undo();
  }
  return counts;
}

Deno.test("small downloads in a batch copy no reply and build no array per reply or command", async () => {
  const { server, hashes } = await withFiles(new Array(2 * FILES).fill(4096));
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  const signal = new AbortController().signal;
  const files = (from: number) =>
    Array.from({ length: FILES }, (_, i) => ({
      path: `f${from + i}.bin`,
      destination: join(dir.path, `f${from + i}.bin`),
      size: 4096,
    }));
  // The first batch goes through the first EPSV (in turn) and warms up.
  await client.downloadAllTo(files(0), { signal, exclusive: true });
  let outcomes: Awaited<ReturnType<typeof client.downloadAllTo>> = [];
  const counts = await countArrayWork(async () => {
    outcomes = await client.downloadAllTo(files(FILES), { signal, exclusive: true });
  });
  assert.ok(outcomes.every((outcome) => outcome.ok), JSON.stringify(outcomes));
  for (let i = 0; i < 2 * FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  // Per file three replies (150, 226, the next EPSV's 229) and one command
  // write (RETR with the next EPSV; two writes before it went with RETR). Before: a copy of each reply (the anonymous password is a secret
  // that no reply quotes), an array of its lines' texts and one grown for its
  // one line, a filter of the queued replies per read, one of the rate limits
  // per data connection, an array of each write's encoded lines, and a split
  // of the EPSV's line to check that its 229 answers it: 8 maps, 3.1 to 4
  // filters, 16 pushes, 10 replaces and 2 splits per file (main at 081593c:
  // 161, 62 to 80, 321, 200 and 40 for 20 files). Now the pushes of the
  // queues of replies and commands and the parse of the EPSV's reply: 1 map
  // (the call's list of paths), 0, 181, 0 and 20. The command a read waits
  // for is redacted only when an error names it (at f36b066 each read, and
  // each data connection's stall message, redacted it: 80 replaces).
  const perFile = (n: number) => n / FILES;
  assert.ok(counts.exec > 0 && counts.push > 0, `${JSON.stringify(counts)}: are they counted?`);
  assert.ok(perFile(counts.map) <= 0.5, `${perFile(counts.map)} maps per file`);
  assert.ok(perFile(counts.filter) <= 0.5, `${perFile(counts.filter)} filters per file`);
  // The queues of replies and of commands awaiting them were arrays used
  // with push and shift (181 pushes for 20 files at 9006101, and a backing
  // store grown again after each shift that emptied one): now FIFOs that
  // reuse their slots, whose pushes are no array's. 81 left: the parser's
  // replies per read and its lines.
  assert.ok(perFile(counts.push) <= 5, `${perFile(counts.push)} pushes per file`);
  assert.equal(counts.replace, 0, `${perFile(counts.replace)} replaces per file`);
  // The EPSV's 229 was split at its delimiter (20 at 8651bec): now read in place.
  assert.equal(counts.split, 0, `${perFile(counts.split)} splits per file`);
  // Array iterators: a one-line command (RETR, the EPSV sent ahead) was sent
  // as an array of one line, walked twice (its lines, its writes), and each
  // reply read raced the read against a promise of its timeout (a race, its
  // promises and an iterator over its contenders): 283 iterators and 60
  // races for 20 files at f36b066. Now 143 and none: per file 3 each for the
  // reads' loops over the replies a chunk held and for the loops over a
  // reply's lines looking for secrets (slack for replies that the network
  // splits or joins differently). The timer ends a late read by closing the
  // connection (tests/tls/ftps_embedded and tests/client/faults).
  assert.equal(counts.race, 0, `${perFile(counts.race)} races per file`);
  assert.ok(perFile(counts.iterator) <= 9, `${perFile(counts.iterator)} array iterators per file`);
  // Regular expressions: each reply's code was matched (an array and two
  // strings): 340 for 20 files at f36b066, 280 later, 160 at 8651bec (8 per
  // file). Now the 150's announced size and the 229's port are read in
  // place: 120, 6 per file (the path checked, the replies searched for the
  // secrets, the commands for a login's, the 226's wording).
  assert.ok(perFile(counts.exec) <= 6.5, `${perFile(counts.exec)} regular expressions per file`);
  // Views of bytes: each reply line was copied into the parser's buffer (a
  // view of it to copy) and decoded from there: 220 for 20 files at
  // f36b066. Now a line wholly in the bytes read is decoded from them: 141
  // to 149, about 7 per file (the bytes of each control read, each line's to
  // decode, the data chunk handed to the file).
  assert.ok(perFile(counts.subarray) <= 9, `${perFile(counts.subarray)} views per file`);
  // Derived promises: each reply read made one for the chain of reads that
  // lowers the count of pending reads: 121 for 20 files at f36b066 (6 per
  // file). Then a read lowered the count as it ended: 61 at 9006101, of
  // which two per file were the `catch` of each data read (abandoned when
  // the caller stopped). Now the data is read in one loop: 21.
  assert.ok(perFile(counts.then) <= 1.5, `${perFile(counts.then)} derived promises per file`);
});

/**
 * Counts the calls, made during `work`, of the async methods (and async
 * generators) of the classes a small download goes through: each call is a
 * frame and a promise, about 0.4 KB, and in a 1000-file run a function
 * called once per file runs interpreted for the first 400. Private methods
 * cannot be wrapped; the public layers are what a restructuring removes.
 */
async function countAsyncCalls(
  owners: Record<string, object>,
  work: () => Promise<void>,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const restore: (() => void)[] = [];
  for (const [owner, prototype] of Object.entries(owners)) {
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name)!;
      const original = descriptor.value;
      if (typeof original !== "function") continue;
      const kind = original.constructor.name;
      if (kind !== "AsyncFunction" && kind !== "AsyncGeneratorFunction") continue;
      const key = `${owner}.${name}`;
      counts[key] = 0;
      Object.defineProperty(prototype, name, {
        ...descriptor,
        value: function (this: unknown, ...args: unknown[]) {
          counts[key]++;
          return original.apply(this, args);
        },
      });
      restore.push(() => Object.defineProperty(prototype, name, descriptor));
    }
  }
  try {
    await work();
  } finally {
    for (const undo of restore) undo();
  }
  return counts;
}

Deno.test("small downloads in a batch go through few async layers: one data read loop, replies read in one layer", async () => {
  const { Session } = await import("../../src/client/_session.ts");
  const { Transfer } = await import("../../src/client/_transfer.ts");
  const { ControlConnection } = await import("../../src/transport/control_connection.ts");
  const { DataConnection } = await import("../../src/transport/data_connection.ts");
  const { server, hashes } = await withFiles(new Array(2 * FILES).fill(4096));
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  const signal = new AbortController().signal;
  const files = (from: number) =>
    Array.from({ length: FILES }, (_, i) => ({
      path: `f${from + i}.bin`,
      destination: join(dir.path, `f${from + i}.bin`),
      size: 4096,
    }));
  await client.downloadAllTo(files(0), { signal, exclusive: true });
  let outcomes: Awaited<ReturnType<typeof client.downloadAllTo>> = [];
  const counts = await countAsyncCalls({
    Session: Session.prototype,
    Transfer: Transfer.prototype,
    ControlConnection: ControlConnection.prototype,
    DataConnection: DataConnection.prototype,
  }, async () => {
    outcomes = await client.downloadAllTo(files(FILES), { signal, exclusive: true });
  });
  assert.ok(outcomes.every((outcome) => outcome.ok), JSON.stringify(outcomes));
  for (let i = 0; i < 2 * FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  const used = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  assert.ok(total >= FILES, `${JSON.stringify(used)}: are they counted?`);
  // Each call is a frame and a promise (and the private calls under it
  // more). At 9006101: 17 per file (340 for 20 files). The data went through
  // an async generator (Transfer.receive, three turns for a small file), and
  // each of its two reads through readMany and read: now one loop
  // (DataConnection.readAll) under Transfer.receiveInto.
  const perFile = (n: number) => n / FILES;
  assert.equal(counts["Transfer.receive"], 0, JSON.stringify(used));
  assert.equal(counts["DataConnection.read"] + counts["DataConnection.readMany"], 0);
  assert.ok(perFile(counts["DataConnection.readAll"]) <= 1, JSON.stringify(used));
  // Each reply read went through Session.readFinal's loop over 1xx replies
  // (the 226, the next EPSV's 229): the connection's read passes over them
  // itself. The 150 went through startTransfer, sendTransfer and
  // readOpening; the end through complete and its helpers; TYPE and a REST
  // left by a raw command were asked in a frame each. At 8651bec, 7 per
  // file: passiveAddress and readPipelined (the 229), startTransfer (RETR,
  // the 150), sendMany (RETR with the next EPSV), receiveInto and readAll
  // (the data and the 226), and sendEpsvAhead, which had nothing to send
  // (the EPSV went with RETR). Now the 229, there already with the 226, is
  // judged and read for its port with no frame of readPipelined's or
  // passiveAddress's (Session.readyAddress), and the EPSV sent with RETR is
  // noted with none of sendEpsvAhead's: 4.
  // (readFinal and readPipelined are not async functions any more, and
  // #readPipelined is private: this count sees none of them; a slow path
  // through them shows only through the async calls under them.)
  assert.equal(counts["Session.passiveAddress"] ?? 0, 0, JSON.stringify(used));
  assert.equal(counts["Session.sendEpsvAhead"] ?? 0, 0, JSON.stringify(used));
  assert.ok(perFile(total) <= 4, `${perFile(total)} async calls per file: ${JSON.stringify(used)}`);
});

Deno.test("small downloads in a batch share one abort listener on the call's signal, and an abort still stops the file in flight at once", async () => {
  const { server, hashes } = await withFiles(new Array(FILES).fill(4096));
  await using _ = server;
  await Deno.writeFile(join(server.root, "big.bin"), pseudoRandomBytes(32 << 20, 5));
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  await client.downloadTo("f0.bin", join(dir.path, "warm.bin")); // The first EPSV goes in turn.
  // AbortSignal has an addEventListener of its own (Deno's), over EventTarget's.
  const owner = Object.hasOwn(AbortSignal.prototype, "addEventListener")
    ? AbortSignal.prototype
    : EventTarget.prototype;
  const add = owner.addEventListener;
  let added = 0;
  owner.addEventListener = function (
    this: EventTarget,
    ...args: Parameters<EventTarget["addEventListener"]>
  ) {
    // The caller: the frame after "Error" and this wrapper.
    const caller = new Error().stack!.split("\n")[2] ?? "";
    if (this instanceof AbortSignal && caller.includes("/src/client/_transfer.ts")) added++;
    return add.apply(this, args);
  };
  let outcomes: Awaited<ReturnType<typeof client.downloadAllTo>> = [];
  try {
    outcomes = await client.downloadAllTo(
      hashes.map((_, i) => ({ path: `f${i}.bin`, destination: join(dir.path, `f${i}.bin`) })),
    );
  } finally {
    owner.addEventListener = add;
  }
  assert.ok(outcomes.every((outcome) => outcome.ok), JSON.stringify(outcomes));
  for (let i = 0; i < FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  // At 9006101 each transfer added (and removed) a listener of its own: 20.
  assert.ok(added <= 1, `${added} abort listeners for ${FILES} transfers`);
  assert.ok(added >= 1, "no abort listener counted: is the batch's listener counted?");
  // The shared listener still reaches the transfer under way: a 32 MiB file
  // paced to 1 MiB/s, aborted after its first bytes, ends within a second,
  // and the connection stays in step.
  const stop = new AbortController();
  const started = performance.now();
  const [cut] = await client.downloadAllTo(
    [{ path: "big.bin", destination: join(dir.path, "big.bin") }],
    {
      signal: stop.signal,
      rateLimit: 1 << 20,
      onProgress: (_, progress) => {
        if (progress.bytes > 0) stop.abort();
      },
    },
  );
  assert.ok(!cut.ok && /Abort/.test(cut.error.name), JSON.stringify(cut));
  assert.ok(performance.now() - started < 5_000, "the abort did not stop the transfer");
  await assert.rejects(Deno.stat(join(dir.path, "big.bin")), Deno.errors.NotFound);
  assert.equal(await client.pwd(), "/");
});

Deno.test("small downloads set no TCP_NODELAY on their data connections, which the client writes nothing on; uploads still do", async () => {
  const { server, hashes } = await withFiles(new Array(FILES).fill(4096));
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  await client.downloadTo("f0.bin", join(dir.path, "warm.bin")); // The first EPSV goes in turn.
  // Deno's TcpConn class is not among its globals: its prototype, from a connection.
  const probe = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  const tcpConn = Object.getPrototypeOf(probe) as Deno.TcpConn;
  probe.close();
  const setNoDelay = tcpConn.setNoDelay;
  let set = 0;
  tcpConn.setNoDelay = function (this: Deno.TcpConn, noDelay?: boolean) {
    // The embedded server, in this process too, sets it on the connections it accepts.
    if (new Error().stack!.includes("/src/transport/")) set++;
    return setNoDelay.call(this, noDelay);
  };
  let outcomes: Awaited<ReturnType<typeof client.downloadAllTo>> = [];
  let afterUpload = 0;
  try {
    outcomes = await client.downloadAllTo(
      hashes.map((_, i) => ({ path: `f${i}.bin`, destination: join(dir.path, `f${i}.bin`) })),
    );
    const downloads = set;
    // An upload writes its data: Nagle's delay would hold its last segment.
    await client.upload("up.bin", pseudoRandomBytes(4096, 99));
    afterUpload = set - downloads;
  } finally {
    tcpConn.setNoDelay = setNoDelay;
  }
  assert.ok(outcomes.every((outcome) => outcome.ok), JSON.stringify(outcomes));
  for (let i = 0; i < FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  assert.equal(await sha256File(join(server.root, "up.bin")), sha256(pseudoRandomBytes(4096, 99)));
  // At 8651bec: one setsockopt (and one op) per file, 20.
  assert.equal(
    set - afterUpload,
    0,
    `TCP_NODELAY set on ${set - afterUpload} download data connections`,
  );
  assert.equal(afterUpload, 1, "the upload's data connection: is TCP_NODELAY counted?");
});

Deno.test("small downloads in a batch dial their data connections under one abort listener on the call's signal, and an abort while dialing still ends the dial at once", async () => {
  const { server, hashes } = await withFiles(new Array(FILES).fill(4096));
  await using _ = server;
  await using dir = await tempDir();
  await using client = await FtpClient.connect(`ftp://127.0.0.1:${server.port}`);
  await client.downloadTo("f0.bin", join(dir.path, "warm.bin")); // The first EPSV goes in turn.
  const owner = Object.hasOwn(AbortSignal.prototype, "addEventListener")
    ? AbortSignal.prototype
    : EventTarget.prototype;
  const add = owner.addEventListener;
  let added = 0;
  owner.addEventListener = function (
    this: EventTarget,
    ...args: Parameters<EventTarget["addEventListener"]>
  ) {
    const caller = new Error().stack!.split("\n")[2] ?? "";
    if (this instanceof AbortSignal && caller.includes("/src/transport/")) added++;
    return add.apply(this, args);
  };
  let outcomes: Awaited<ReturnType<typeof client.downloadAllTo>> = [];
  try {
    outcomes = await client.downloadAllTo(
      hashes.map((_, i) => ({ path: `f${i}.bin`, destination: join(dir.path, `f${i}.bin`) })),
      { signal: new AbortController().signal },
    );
  } finally {
    owner.addEventListener = add;
  }
  assert.ok(outcomes.every((outcome) => outcome.ok), JSON.stringify(outcomes));
  for (let i = 0; i < FILES; i++) {
    assert.equal(await sha256File(join(dir.path, `f${i}.bin`)), hashes[i]);
  }
  // At 8651bec each dial added (and removed) a listener of its own: 20.
  assert.equal(added, 1, `${added} abort listeners for ${FILES} dials`);
  // The shared listener still reaches a dial under way: aborted before the
  // connection completes, the dial rejects as aborted, and the connection,
  // which the listener's backlog completes anyway, is closed by ferry: the
  // far end reads its end.
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const stop = new AbortController();
  const dial = dialDeno({
    host: "127.0.0.1",
    port: listener.addr.port,
    timeoutMs: 10_000,
    signal: stop.signal,
    purpose: "data connection",
  });
  stop.abort();
  await assert.rejects(dial, FtpAbortError);
  const within = <T>(promise: Promise<T>, what: string): Promise<T> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing in 5 s`)), 5_000);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  };
  using abandoned = await within(listener.accept(), "the aborted dial's connection");
  assert.equal(
    await within(abandoned.read(new Uint8Array(1)), "its close"),
    null,
    "ferry closes the connection of an aborted dial",
  );
  // Another dial under the same (aborted) signal is refused before it starts.
  await assert.rejects(
    dialDeno({
      host: "127.0.0.1",
      port: listener.addr.port,
      timeoutMs: 10_000,
      signal: stop.signal,
      purpose: "x",
    }),
  );
});
