// src/transport/write_all.ts
async function writeAll(writer, bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    const written = await writer.write(bytes.subarray(offset));
    if (written <= 0) throw new Deno.errors.WriteZero("The writer accepted no bytes");
    offset += written;
  }
}
function writeAllSync(file, bytes) {
  let offset = 0;
  while (offset < bytes.length) {
    const written = file.writeSync(bytes.subarray(offset));
    if (written <= 0) throw new Deno.errors.WriteZero("The file accepted no bytes");
    offset += written;
  }
}

export {
  writeAll,
  writeAllSync
};
