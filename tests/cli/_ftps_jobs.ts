// `ferry run` of the two jobs users run most against FTPS servers that
// require TLS session reuse: a deploy (300 files in nested folders, 8
// connections, atomic) and a backup (a recursive get of what was deployed).
// Used once per server in CI (ftps_reuse.test.ts) and ten times by
// `deno task cli:ftps-runs` (ftps_runs.ts).

import { join } from "node:path";
import { pseudoRandomBytes } from "../_helpers.ts";
import type { ServerHandle } from "../_servers/_common.ts";
import { ferry, type FerryResult, treeOf, writeTask, writeTree } from "./_ferry.ts";

/** The local site: `count` files, three folders deep, 1 B to 200 KiB. */
export async function makeSite(dir: string, count = 300, seed = 1): Promise<void> {
  const files: Record<string, Uint8Array | string> = {};
  for (let i = 0; i < count; i++) {
    const path = `s${i % 4}/d${i % 7}/${i % 3 === 0 ? `e${i % 5}/` : ""}file-${i}.bin`;
    const size = [1, 700, 4096, 30_000, 200_000][i % 5];
    files[path] = pseudoRandomBytes(size, seed * 1000 + i + 1);
  }
  await writeTree(join(dir, "site"), files);
}

/** What one deploy and backup did. */
export interface JobsOutcome {
  deploy: FerryResult;
  backup: FerryResult;
  /** Problems found: a failed run, or trees that differ. */
  problems: string[];
  /** Lines that tell of the server's need for TLS session reuse. */
  infoLines: string[];
  /** USER commands per connection number, from the deploy's trace. */
  loginsPerConnection: Map<number, number>;
  /** 425 and 522 replies in the deploy's trace. */
  refusals: number;
}

/**
 * Deploys `dir/site` to `remote` on the server with `ferry run` (verbose,
 * so that the control lines show), then backs it up into `dir/<remote>-backup`,
 * and compares the server's disk and the backup with the site.
 */
export async function deployAndBackup(
  server: ServerHandle,
  caPath: string,
  dir: string,
  remote: string,
  extraFlags: string[] = [],
): Promise<JobsOutcome> {
  const url = `ftpes://${server.user}@${server.host}:${server.port}/`;
  const connection = `connection:
  url: ${url}
  password: \${FTP_PASSWORD}
  parallel: 8
  tls: { caFile: ${caPath} }
`;
  const deployTask = await writeTask(
    dir,
    `deploy-${remote}.yaml`,
    `version: 1
${connection}steps:
  - name: Publish the site
    sync: { direction: up, local: site, remote: ${remote}, delete: true, atomic: true }
`,
  );
  const backupTask = await writeTask(
    dir,
    `backup-${remote}.yaml`,
    `version: 1
${connection}steps:
  - name: Back up the site
    get: { from: ${remote}/, to: ${remote}-backup/ }
`,
  );
  const env = { FTP_PASSWORD: server.password };
  // --verbose shows the control lines (logins, refusals); --quiet would hide them.
  const verbose = extraFlags.includes("--quiet") ? [] : ["--verbose"];
  const deploy = await ferry(["run", deployTask, ...verbose, ...extraFlags], {
    env,
    cwd: dir,
    timeoutMs: 300_000,
  });
  const backup = await ferry(["run", backupTask, ...extraFlags], {
    env,
    cwd: dir,
    timeoutMs: 300_000,
  });
  const problems: string[] = [];
  if (deploy.code !== 0) problems.push(`deploy exit ${deploy.code}: ${tail(deploy)}`);
  if (backup.code !== 0) problems.push(`backup exit ${backup.code}: ${tail(backup)}`);
  const site = await treeOf(join(dir, "site"));
  if (deploy.code === 0) {
    const onServer = await treeOf(join(server.root, remote)).catch(() => ({}));
    if (JSON.stringify(onServer) !== JSON.stringify(site)) {
      problems.push("the server's copy differs from the site");
    }
  }
  if (backup.code === 0) {
    const saved = await treeOf(join(dir, `${remote}-backup`)).catch(() => ({}));
    if (JSON.stringify(saved) !== JSON.stringify(site)) {
      problems.push("the backup differs from the site");
    }
  }
  const output = [deploy.stdout, deploy.stderr, backup.stdout, backup.stderr].join("\n");
  const loginsPerConnection = new Map<number, number>();
  let refusals = 0;
  for (const line of deploy.stdout.split("\n")) {
    const login = /^\s*\[(\d+)\] > USER /.exec(line);
    if (login) {
      const id = Number(login[1]);
      loginsPerConnection.set(id, (loginsPerConnection.get(id) ?? 0) + 1);
    }
    if (/^\s*\[\d+\] < (425|522) /.test(line)) refusals++;
  }
  return {
    deploy,
    backup,
    problems,
    infoLines: output.split("\n").filter((l) => /requires data connections to resume/.test(l)),
    loginsPerConnection,
    refusals,
  };
}

function tail(result: FerryResult): string {
  return (result.stdout + result.stderr).split("\n").slice(-15).join("\n");
}
