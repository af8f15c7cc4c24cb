// localAddress against vsftpd: its log names the client address of every
// login and transfer, and vsftpd itself checks the data connections: with
// pasv_promiscuous=NO (its default) it refuses a passive data connection
// from any address but the control connection's ("425 Security: Bad IP
// connecting."), and with port_promiscuous=NO an EPRT/PORT naming another
// address ("500 Illegal PORT command."). Plain FTP and FTPS (vsftpd requires
// data connections to resume the TLS session), passive and active, two
// clients at once from two addresses.

import assert from "node:assert/strict";
import { join } from "node:path";
import { FtpClient, type FtpClientOptions } from "../../mod.ts";
import { makeTestPki } from "../_servers/certs.ts";
import { startVsftpd, vsftpd } from "../_servers/vsftpd.ts";
import { pseudoRandomBytes, readAll, sha256, tempDir } from "../_helpers.ts";

const pki = await makeTestPki();

for (const secure of ["none", "explicit"] as const) {
  for (const transferMode of ["passive", "active"] as const) {
    Deno.test({
      name: `vsftpd, ${secure === "none" ? "plain FTP" : "explicit FTPS"}, ${transferMode}: ` +
        "clients from 127.0.0.2 and 127.0.0.3 log in and transfer from their own address, " +
        "as vsftpd's log and its same-address checks show",
      ignore: vsftpd.ignore,
      async fn() {
        await using logs = await tempDir();
        const log = join(logs.path, "vsftpd.log");
        await using server = await startVsftpd({
          config: {
            xferlog_enable: "YES",
            xferlog_std_format: "NO",
            log_ftp_protocol: "YES",
            vsftpd_log_file: log,
            pasv_promiscuous: "NO",
            port_promiscuous: "NO",
          },
          ...(secure === "none"
            ? {}
            : { tls: { certPath: pki.server.certPath, keyPath: pki.server.keyPath } }),
        });
        const options = (localAddress: string): FtpClientOptions => ({
          host: "localhost",
          port: server.port,
          user: "anonymous",
          password: "ferry@example.com",
          path: "pub",
          secure,
          tls: { caCerts: [pki.caPem] },
          transferMode,
          localAddress,
        });
        await using two = await FtpClient.connect(options("127.0.0.2"));
        await using three = await FtpClient.connect(options("127.0.0.3"));
        const data = pseudoRandomBytes(200_000, 3);
        await Promise.all([
          (async () => {
            await two.upload("two.bin", data);
            assert.equal(sha256(await readAll(await two.download("two.bin"))), sha256(data));
            assert.ok((await two.list()).some((e) => e.name === "two.bin"));
          })(),
          (async () => {
            await three.upload("three.bin", data);
            assert.equal(sha256(await readAll(await three.download("three.bin"))), sha256(data));
            assert.ok((await three.list()).some((e) => e.name === "three.bin"));
          })(),
        ]);
        await two.close();
        await three.close();
        const text = await Deno.readTextFile(log);
        for (const [address, name] of [["127.0.0.2", "two.bin"], ["127.0.0.3", "three.bin"]]) {
          assert.match(text, new RegExp(`CONNECT: Client "${address}"`), text);
          assert.match(text, new RegExp(`OK UPLOAD: Client "${address}", "/pub/${name}"`), text);
          assert.match(text, new RegExp(`OK DOWNLOAD: Client "${address}", "/pub/${name}"`), text);
        }
        // (The helper's wait for the greeting connects from 127.0.0.1, and sends nothing.)
        assert.doesNotMatch(text, /(FTP command|OK [A-Z]+): Client "127\.0\.0\.1"/);
        assert.doesNotMatch(text, /Bad IP connecting|Illegal PORT/);
        if (transferMode === "active") {
          assert.match(text, /"EPRT \|1\|127\.0\.0\.2\|\d+\|"/, text);
        }
      },
    });
  }
}
