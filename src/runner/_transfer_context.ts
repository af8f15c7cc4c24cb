// What a running transfer (or any action) is given, and what it returns.

/** What a running transfer can use. */
export interface TransferContext {
  signal: AbortSignal;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  /** Bytes of the file done so far (the resumed offset included). */
  progress(bytes: number): void;
  /** Reports the offset a transfer starts from, once known (again if it changes). */
  started(offset: number): void;
  warn(message: string): void;
}

/** What a transfer moved. */
export interface TransferOutcome {
  bytes: number;
  resumedFrom?: number;
}
