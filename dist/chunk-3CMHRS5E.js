// src/client/_local_file.ts
function localFile(path) {
  return {
    localPath: path
  };
}
function localPath(destination) {
  if (typeof destination === "string") return destination;
  if (destination.protocol !== "file:") {
    throw new TypeError(`Only file: URLs name local files, got ${destination.protocol}`);
  }
  return fileUrlPath(destination, Deno.build.os === "windows");
}
function fileUrlPath(url, windows) {
  const encodedSeparator = windows ? /%(2f|5c)/i : /%2f/i;
  if (encodedSeparator.test(url.pathname)) {
    throw new TypeError(`File URL path must not include encoded ${windows ? "\\ or /" : "/"} characters: ${url.href}`);
  }
  if (!windows) {
    if (url.hostname !== "") {
      throw new TypeError(`File URL host must be "localhost" or empty on this system: ${url.href}`);
    }
    return decodeURIComponent(url.pathname);
  }
  const path = decodeURIComponent(url.pathname.replaceAll("/", "\\"));
  if (url.hostname !== "") return `\\\\${url.hostname}${path}`;
  if (!/^\\[a-z]:/i.test(path)) throw new TypeError(`File URL path must be absolute: ${url.href}`);
  return path.slice(1);
}
async function openSource(source, offset) {
  const file = await Deno.open(localPath(source.localPath), {
    read: true
  });
  if (offset > 0) await file.seek(offset, Deno.SeekMode.Start);
  return file;
}
async function sourceFileSize(source, offset) {
  return (await Deno.stat(localPath(source.localPath))).size - offset;
}
function localPathExists(path) {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

export {
  localFile,
  localPath,
  openSource,
  sourceFileSize,
  localPathExists
};
