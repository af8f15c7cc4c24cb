// src/transport/_held_bytes.ts
function takeHeld(held, buffer) {
  const n = Math.min(held.length, buffer.length);
  buffer.set(held.subarray(0, n));
  return [
    n,
    n === held.length ? void 0 : held.subarray(n)
  ];
}

export {
  takeHeld
};
