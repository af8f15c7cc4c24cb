// The Node-TLS worker sends errors to the main thread as data
// (src/transport/_isolated_wire.ts), which rebuilds them as the same classes.
// The CLI's bundle is minified (tasks/build.ts), which renames classes, so the
// encoding must not depend on a class's own name.

import assert from "node:assert/strict";
import {
  FtpAbortError,
  FtpConnectionError,
  FtpError,
  FtpProtocolError,
  FtpTimeoutError,
  FtpTlsError,
} from "../../src/errors.ts";
import { decodeError, encodeError } from "../../src/transport/_isolated_wire.ts";

const errors = () => [
  new FtpConnectionError("refused", "The server refused the connection"),
  new FtpTlsError("certificate", "The certificate expired", { connection: "data" }),
  new FtpTimeoutError("reply", 5000, "No reply in 5 s"),
  new FtpAbortError("The operation was aborted"),
  new FtpProtocolError("The reply was not FTP"),
  new FtpError("Something else"),
];

Deno.test("errors from the TLS worker come back as the same classes, also when the classes are renamed (a minified bundle)", () => {
  for (const renamed of [false, true]) {
    for (const error of errors()) {
      const Class = error.constructor;
      const own = Object.getOwnPropertyDescriptor(Class, "name")!;
      if (renamed) Object.defineProperty(Class, "name", { value: "e", configurable: true });
      try {
        const back = decodeError(encodeError(error));
        assert.ok(back instanceof Class, `${error.name} (renamed: ${renamed})`);
        assert.equal(back.name, error.name);
        assert.equal(back.message, error.message);
      } finally {
        Object.defineProperty(Class, "name", own);
      }
    }
  }
});
