// The one shape the control and data connections read and write through,
// whatever carries the bytes: a Deno TCP or TLS connection, or a Node socket
// (the TLS path that can resume sessions).

/** A connected, bidirectional byte stream. `Deno.Conn` has this shape. */
export interface ByteStream {
  /** Reads into `buffer`; resolves to the byte count, or `null` at the end. */
  read(buffer: Uint8Array): Promise<number | null>;
  /**
   * Writes some of `bytes` and resolves to how many. Once it resolves, the
   * caller may reuse `bytes`.
   */
  write(bytes: Uint8Array): Promise<number>;
  /** Ends the sending side (TLS close_notify, then FIN), keeping reads open. */
  closeWrite(): Promise<void>;
  /** Closes both directions at once. */
  close(): void;
  /** This end's address. */
  readonly localAddr: Deno.Addr;
  /** The peer's address. */
  readonly remoteAddr: Deno.Addr;
  /**
   * The most bytes one write is worth, when a stream has such a bound
   * (Node's TLS path hands its worker at most 256 KiB per message): larger
   * writes would only hold memory.
   */
  readonly chunkBytes?: number;
}
