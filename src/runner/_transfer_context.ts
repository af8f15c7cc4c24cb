// What a running transfer (or any action) is given, and what it returns.

import type { TransferResult } from "../client/options.ts";
import { FtpSizeMismatchError } from "../errors.ts";
import { TransientRunError } from "./errors.ts";

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

/**
 * A client transfer's result as the run records it. A short transfer (the
 * client's FtpSizeMismatchError) is rethrown as TransientRunError, the name
 * the report has always given it, with the client's error as its cause.
 */
export async function transferOutcome(transfer: Promise<TransferResult>): Promise<TransferOutcome> {
  try {
    const { bytes, resumedFrom } = await transfer;
    return resumedFrom ? { bytes, resumedFrom } : { bytes };
  } catch (error) {
    throw runError(error);
  }
}

/** A transfer's error as the run records it (see transferOutcome). */
export function runError(error: unknown): unknown {
  return error instanceof FtpSizeMismatchError
    ? new TransientRunError(error.message, { cause: error })
    : error;
}
