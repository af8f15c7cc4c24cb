/**
 * A throwaway PKI for TLS tests, made with the `openssl` CLI: a CA, a server
 * certificate for `localhost`/`127.0.0.1`/`::1`, and the bad certificates the
 * FTPS tests need (expired, wrong host name, self-signed) plus a client
 * certificate for mutual TLS. Keys are EC P-256, so the whole set takes a few
 * tens of milliseconds. Made once per process, in a temporary directory
 * (`ferry-pki-*`) that is removed when the process ends.
 *
 * Why a CA and a leaf rather than one self-signed certificate: rustls (Deno's
 * TLS) refuses a CA certificate presented as a server certificate.
 *
 * @example
 * ```ts
 * import { makeTestPki } from "./certs.ts";
 *
 * const pki = await makeTestPki();
 * const conn = await Deno.connectTls({
 *   hostname: "localhost",
 *   port: 990,
 *   caCerts: [pki.caPem],
 * });
 * conn.close();
 * ```
 *
 * @module
 */

import type { ServerTlsFiles } from "./_common.ts";

/** A certificate and its private key, as PEM text and as files. */
export interface TestCertificate {
  /** The certificate, PEM. */
  certPem: string;
  /** Its private key, PEM (PKCS#8, unencrypted). */
  keyPem: string;
  /** The file holding {@linkcode TestCertificate.certPem}. */
  certPath: string;
  /** The file holding {@linkcode TestCertificate.keyPem}. */
  keyPath: string;
}

/** Every file of the test PKI. */
export interface TestPki {
  /** The temporary directory holding every file. */
  dir: string;
  /** The CA certificate (basicConstraints CA:TRUE, keyCertSign), PEM. */
  caPem: string;
  /** The file holding {@linkcode TestPki.caPem}. */
  caPath: string;
  /** Signed by the CA; CN=localhost, SAN DNS:localhost, IP:127.0.0.1, IP:::1; serverAuth. */
  server: TestCertificate;
  /** The server certificate followed by its key in one PEM file (vsftpd, pure-ftpd). */
  combinedPath: string;
  /** Signed by the CA, valid names, but expired (notAfter in 2001). */
  expired: TestCertificate;
  /** Signed by the CA, but for DNS:wrong.example only. */
  wrongHost: TestCertificate;
  /** A self-signed leaf for localhost, not signed by the CA. */
  selfSigned: TestCertificate;
  /** A client certificate (clientAuth) signed by the CA, for mutual TLS. */
  client: TestCertificate;
}

let pending: Promise<TestPki> | undefined;

/**
 * Makes the test PKI (once per process; later calls return the same one).
 *
 * @returns The certificates, keys and their paths.
 */
export function makeTestPki(): Promise<TestPki> {
  pending ??= generate().catch((error) => {
    pending = undefined; // let a later call try again
    throw error;
  });
  return pending;
}

const LOCAL_NAMES = "DNS:localhost,IP:127.0.0.1,IP:::1";

async function openssl(dir: string, args: string[]): Promise<void> {
  const killer = new AbortController();
  const timer = setTimeout(() => killer.abort(), 20_000);
  try {
    const output = await new Deno.Command("openssl", {
      args,
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: killer.signal,
    }).output();
    if (!output.success) {
      throw new Error(
        `openssl ${args.join(" ")} failed (${output.code}):\n` +
          new TextDecoder().decode(output.stderr),
      );
    }
  } finally {
    clearTimeout(timer);
  }
}

/** A new EC P-256 key in `name.key`. */
function newKey(dir: string, name: string): Promise<void> {
  return openssl(dir, [
    "genpkey",
    "-algorithm",
    "EC",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-out",
    `${name}.key`,
  ]);
}

/** The `openssl ca` configuration: no prompts, extensions from the command line. */
const CA_CONFIG = `[ca]
default_ca = test_ca
[test_ca]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
`;

interface LeafSpec {
  name: string;
  commonName: string;
  names: string;
  usage: "serverAuth" | "clientAuth";
  /** `openssl ca` validity, YYYYMMDDHHMMSSZ. */
  start: string;
  end: string;
}

async function signLeaf(dir: string, leaf: LeafSpec): Promise<void> {
  await newKey(dir, leaf.name);
  await openssl(dir, [
    "req",
    "-new",
    "-key",
    `${leaf.name}.key`,
    "-subj",
    `/CN=${leaf.commonName}`,
    "-out",
    `${leaf.name}.csr`,
  ]);
  await Deno.writeTextFile(
    `${dir}/${leaf.name}.ext`,
    [
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, keyEncipherment",
      `extendedKeyUsage = ${leaf.usage}`,
      `subjectAltName = ${leaf.names}`,
      "subjectKeyIdentifier = hash",
      "authorityKeyIdentifier = keyid",
      "",
    ].join("\n"),
  );
  await openssl(dir, [
    "ca",
    "-batch",
    "-notext",
    "-config",
    "ca.cnf",
    "-cert",
    "ca.pem",
    "-keyfile",
    "ca.key",
    "-in",
    `${leaf.name}.csr`,
    "-out",
    `${leaf.name}.pem`,
    "-extfile",
    `${leaf.name}.ext`,
    "-startdate",
    leaf.start,
    "-enddate",
    leaf.end,
  ]);
}

async function readCertificate(dir: string, name: string): Promise<TestCertificate> {
  const certPath = `${dir}/${name}.pem`;
  const keyPath = `${dir}/${name}.key`;
  return {
    certPem: await Deno.readTextFile(certPath),
    keyPem: await Deno.readTextFile(keyPath),
    certPath,
    keyPath,
  };
}

/** Makes the PKI in a temporary directory, removed when the process ends (or at once on failure). */
async function generate(): Promise<TestPki> {
  const dir = await Deno.makeTempDir({ prefix: "ferry-pki-" });
  const remove = () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Gone already.
    }
  };
  globalThis.addEventListener("unload", remove, { once: true });
  try {
    return await generateIn(dir);
  } catch (error) {
    globalThis.removeEventListener("unload", remove);
    remove();
    throw error;
  }
}

async function generateIn(dir: string): Promise<TestPki> {
  await Deno.writeTextFile(`${dir}/ca.cnf`, CA_CONFIG);
  await Deno.writeTextFile(`${dir}/index.txt`, "");
  await Deno.writeTextFile(`${dir}/serial`, "1000\n");

  // The self-signed leaf is independent of the CA, so it is made meanwhile.
  const selfSigned = (async () => {
    await newKey(dir, "self-signed");
    await openssl(dir, [
      "req",
      "-x509",
      "-key",
      "self-signed.key",
      "-subj",
      "/CN=localhost",
      "-days",
      "3650",
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      "-addext",
      "extendedKeyUsage=serverAuth",
      "-addext",
      `subjectAltName=${LOCAL_NAMES}`,
      "-out",
      "self-signed.pem",
    ]);
  })();
  await newKey(dir, "ca");
  await openssl(dir, [
    "req",
    "-x509",
    "-key",
    "ca.key",
    "-subj",
    "/CN=ferry test CA",
    "-days",
    "3650",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
    "-out",
    "ca.pem",
  ]);

  // `openssl ca` keeps a database, so the leaves are signed one after another;
  // fixed dates keep them deterministic (the valid ones last until 2099).
  const valid = { start: "20000101000000Z", end: "20991231235959Z" };
  await signLeaf(dir, {
    name: "server",
    commonName: "localhost",
    names: LOCAL_NAMES,
    usage: "serverAuth",
    ...valid,
  });
  await signLeaf(dir, {
    name: "expired",
    commonName: "localhost",
    names: LOCAL_NAMES,
    usage: "serverAuth",
    start: "20000101000000Z",
    end: "20010101000000Z",
  });
  await signLeaf(dir, {
    name: "wrong-host",
    commonName: "wrong.example",
    names: "DNS:wrong.example",
    usage: "serverAuth",
    ...valid,
  });
  await signLeaf(dir, {
    name: "client",
    commonName: "ferry test client",
    names: "DNS:client.localhost",
    usage: "clientAuth",
    ...valid,
  });
  await selfSigned;

  const server = await readCertificate(dir, "server");
  const combinedPath = `${dir}/server-combined.pem`;
  await Deno.writeTextFile(combinedPath, server.certPem + server.keyPem);
  const caPath = `${dir}/ca.pem`;
  return {
    dir,
    caPem: await Deno.readTextFile(caPath),
    caPath,
    server,
    combinedPath,
    expired: await readCertificate(dir, "expired"),
    wrongHost: await readCertificate(dir, "wrong-host"),
    selfSigned: await readCertificate(dir, "self-signed"),
    client: await readCertificate(dir, "client"),
  };
}

/** The PKI's server files as the server launchers take them. */
export function serverTlsFiles(pki: TestPki): ServerTlsFiles {
  return {
    caCertPath: pki.caPath,
    certPath: pki.server.certPath,
    keyPath: pki.server.keyPath,
    combinedPath: pki.combinedPath,
  };
}
