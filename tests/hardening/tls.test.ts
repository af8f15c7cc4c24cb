// FTPS against servers that break TLS: AUTH TLS refused with 500 (and its
// cousins), a 2xx that is not 234, a server that drops the handshake or
// answers it in plain text, a handshake that never completes. Each must be
// a distinct, typed error, with USER and PASS never sent in plain text: no
// silent downgrade. Both TLS engines (Deno's, and Node's for session reuse).
//
// Covered elsewhere: expired, self-signed and wrong-host certificates, and
// AUTH TLS answered 502 (tests/tls/ftps_embedded.test.ts, every engine and
// mode, asserting FtpTlsError kinds expired/certificate/hostname and that
// no USER was sent).

import assert from "node:assert/strict";
import {
  FtpClient,
  type FtpClientOptions,
  FtpProtocolError,
  FtpTimeoutError,
  FtpTlsError,
} from "../../mod.ts";
import { hostileServer } from "./_hostile_server.ts";
import { assertNoSecret, errorText, SECRET, within } from "./_helpers.ts";

const ENGINES = ["auto", "always"] as const; // Deno's TLS, Node's TLS

function options(port: number, secure: "explicit" | "implicit", sessionReuse: string) {
  return {
    host: "localhost",
    port,
    secure,
    user: "alice",
    password: SECRET,
    connectTimeout: 1_000,
    replyTimeout: 1_000,
    tls: { sessionReuse },
  } as FtpClientOptions;
}

/** Nothing but AUTH TLS (and perhaps QUIT) crossed in plain text. */
function assertNoPlainLogin(received: string[]): void {
  const plain = received.filter((line) => /^[A-Z]{3,4}( |$)/.test(line));
  assert.ok(
    plain.every((line) => line === "AUTH TLS" || line === "QUIT"),
    `sent in plain text: ${JSON.stringify(plain)}`,
  );
  assertNoSecret("plain text", received.join("\n"));
}

Deno.test("AUTH TLS refused (500, 502, 504, 534, 431) or answered with a 2xx other than 234: auth-refused, no login", async (t) => {
  for (const reply of ["500", "502", "504", "534", "431", "200", "334"]) {
    for (const sessionReuse of ENGINES) {
      await t.step(`${reply} (${sessionReuse})`, async () => {
        await using server = hostileServer({
          script: async (line, session) => {
            if (line !== "AUTH TLS") return false;
            await session.write(`${reply} No TLS here\r\n`);
            return true;
          },
        });
        const error = await FtpClient.connect(options(server.port, "explicit", sessionReuse))
          .catch((e) => e);
        assert.ok(error instanceof FtpTlsError, `${reply}: ${error}`);
        assert.equal(error.kind, "auth-refused");
        assertNoPlainLogin(server.received);
        assertNoSecret("error", errorText(error));
      });
    }
  }
});

Deno.test("a server that drops the TLS handshake: FtpTlsError handshake, no login (explicit and implicit)", async (t) => {
  for (const sessionReuse of ENGINES) {
    await t.step(`explicit, dropped after 234 (${sessionReuse})`, async () => {
      await using server = hostileServer({
        script: async (line, session) => {
          if (line !== "AUTH TLS") return false;
          await session.write("234 Proceed\r\n");
          // Close once the ClientHello is on its way.
          session.mute();
          setTimeout(() => session.drop(), 50);
          return true;
        },
      });
      const error = await FtpClient.connect(options(server.port, "explicit", sessionReuse))
        .catch((e) => e);
      assert.ok(error instanceof FtpTlsError, String(error));
      assert.equal(error.kind, "handshake");
      assertNoPlainLogin(server.received);
    });
    await t.step(`implicit, accepted then closed (${sessionReuse})`, async () => {
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const dropping = (async () => {
        const conn = await listener.accept();
        const buffer = new Uint8Array(4096);
        await conn.read(buffer).catch(() => null); // the ClientHello
        conn.close();
      })();
      const port = (listener.addr as Deno.NetAddr).port;
      const error = await FtpClient.connect(options(port, "implicit", sessionReuse))
        .catch((e) => e);
      await dropping;
      listener.close();
      assert.ok(error instanceof FtpTlsError, String(error));
      assert.equal(error.kind, "handshake");
    });
  }
});

Deno.test("a server that answers the handshake in plain text: a handshake or protocol error, no login", async (t) => {
  for (const sessionReuse of ENGINES) {
    await t.step(`explicit: plain text with the 234 (${sessionReuse})`, async () => {
      await using server = hostileServer({
        script: async (line, session) => {
          if (line !== "AUTH TLS") return false;
          await session.write("234 Proceed\r\n220 Welcome, in plain text after all\r\n");
          session.mute();
          return true;
        },
      });
      const error = await FtpClient.connect(options(server.port, "explicit", sessionReuse))
        .catch((e) => e);
      assert.ok(error instanceof FtpProtocolError, String(error));
      assertNoPlainLogin(server.received);
    });
    await t.step(`explicit: plain text once the handshake began (${sessionReuse})`, async () => {
      await using server = hostileServer({
        script: async (line, session) => {
          if (line !== "AUTH TLS") return false;
          await session.write("234 Proceed\r\n");
          session.mute();
          setTimeout(() => session.write("331 Password required, in plain text\r\n"), 50);
          return true;
        },
      });
      const error = await FtpClient.connect(options(server.port, "explicit", sessionReuse))
        .catch((e) => e);
      assert.ok(error instanceof FtpTlsError, String(error));
      assert.equal(error.kind, "handshake");
      assertNoPlainLogin(server.received);
    });
    await t.step(`implicit against a plain FTP server (${sessionReuse})`, async () => {
      await using server = hostileServer();
      const error = await FtpClient.connect(options(server.port, "implicit", sessionReuse))
        .catch((e) => e);
      assert.ok(error instanceof FtpTlsError, String(error));
      assert.equal(error.kind, "handshake");
      assertNoPlainLogin(server.received);
    });
  }
});

Deno.test({
  name: "a TLS handshake that never completes ends in a timeout, not a hang",
  fn: async (t) => {
    for (const sessionReuse of ENGINES) {
      await t.step(`explicit, silent after 234 (${sessionReuse})`, async () => {
        await using server = hostileServer({
          script: async (line, session) => {
            if (line !== "AUTH TLS") return false;
            await session.write("234 Proceed\r\n");
            session.mute(); // the ClientHello is read and never answered
            return true;
          },
        });
        const error = await within(
          10_000,
          "connect",
          FtpClient.connect(options(server.port, "explicit", sessionReuse)).catch((e) => e),
        );
        assert.ok(error instanceof FtpTimeoutError || error instanceof FtpTlsError, String(error));
        assertNoPlainLogin(server.received);
      });
      await t.step(`implicit, silent after accept (${sessionReuse})`, async () => {
        const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const held = listener.accept(); // accepted, read from by no one, never answered
        const port = (listener.addr as Deno.NetAddr).port;
        const error = await within(
          10_000,
          "connect",
          FtpClient.connect(options(port, "implicit", sessionReuse)).catch((e) => e),
        ).finally(async () => {
          (await held).close();
          listener.close();
        });
        assert.ok(error instanceof FtpTimeoutError || error instanceof FtpTlsError, String(error));
      });
    }
  },
});
