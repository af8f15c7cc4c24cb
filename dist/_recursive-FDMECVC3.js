import {
  listAll
} from "./chunk-356UFLKC.js";
import {
  walkTree
} from "./chunk-VJG3NOR2.js";
import "./chunk-AFMGHXC2.js";
import "./chunk-Q64DFV4C.js";
import "./chunk-EJRZ22DK.js";
import "./chunk-67NZJHGR.js";
import "./chunk-WYTJSAQ3.js";
import "./chunk-UN72SBEK.js";

// src/client/_recursive.ts
async function removeTree(session, path, signal, maxListingBytes, dotFiles) {
  const directories = [
    path
  ];
  const source = {
    list: (dir) => listAll(session, dir, signal, maxListingBytes, dotFiles),
    isDirectory: () => Promise.resolve(false),
    warn: dotFiles.warn
  };
  for await (const entry of walkTree(path, source, {
    signal
  })) {
    if (entry.type === "directory") directories.push(entry.path);
    else await session.dele(entry.path);
  }
  for (const directory of directories.reverse()) {
    signal.throwIfAborted();
    await session.rmd(directory);
  }
}
export {
  removeTree
};
