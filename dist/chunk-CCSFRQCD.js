import {
  ASIDE_SUFFIX
} from "./chunk-FS6M5UPR.js";
import {
  FtpPermanentError
} from "./chunk-UN72SBEK.js";

// src/client/_replace.ts
function failure(call) {
  return call.then(() => void 0, (error) => error ?? new Error("failed"));
}
async function replaceFile(session, from, to, warn, size) {
  const refused = await failure(session.rename(from, to));
  if (refused === void 0) return;
  if (!(refused instanceof FtpPermanentError)) throw refused;
  const held = await session.size(from).catch(() => void 0);
  const old = await session.size(to).catch(() => void 0);
  if (held === void 0 || size !== void 0 && held !== size || old === void 0) {
    throw refused;
  }
  const aside = to + ASIDE_SUFFIX;
  await failure(session.dele(aside));
  if (await failure(session.rename(to, aside))) throw refused;
  const placed = await failure(session.rename(from, to));
  if (placed !== void 0) {
    const restored = await failure(session.rename(aside, to));
    if (restored !== void 0) warn(`Could not put the old ${to} back: it is at ${aside}`);
    throw placed;
  }
  const removed = await failure(session.dele(aside));
  warn(`The server would not rename over ${to}: moved the old file aside, renamed the new one into place, ${removed === void 0 ? "removed the old one" : `left the old one at ${aside}`}`);
}

export {
  replaceFile
};
