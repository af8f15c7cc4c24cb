// The minimal script a library user writes for one download, run by
// bench/startup.ts as a fresh process: `deno run ... _startup_get.ts URL PATH`.

import { FtpClient } from "../mod.ts";

const [url, path] = Deno.args;
const { origin, pathname } = new URL(url);
await using client = await FtpClient.connect(origin);
await client.downloadTo(decodeURIComponent(pathname), path);
