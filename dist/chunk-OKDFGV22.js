// src/transport/close_quietly.ts
function closeQuietly(resource) {
  try {
    resource?.close();
  } catch {
  }
}

export {
  closeQuietly
};
