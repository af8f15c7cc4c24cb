// What "memory stays flat" means in a test: the bytes still alive after a
// forced full collection (V8 heap plus external memory such as ArrayBuffers),
// sampled at several points of a long operation. Peak RSS is not used: it
// moves with the collector's timing, not with what the code keeps, so it made
// tests fail (and pass) for reasons unrelated to the claim.
//
// Children that sample run with `--v8-flags=--expose-gc` (LIVE_MEMORY_FLAGS).

/** The `deno run` flag that lets a child force collections. */
export const LIVE_MEMORY_FLAGS = ["--v8-flags=--expose-gc,--no-concurrent-array-buffer-sweeping"];

const MiB = 1024 * 1024;

/** Bytes alive after a forced full collection: V8 heap plus external memory. */
export function liveBytes(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("liveBytes() needs --v8-flags=--expose-gc");
  gc();
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
}

/**
 * Samples {@linkcode liveBytes} each time `position` passes another `every`
 * units (bytes moved, entries read), plus once at the start.
 */
export class LiveMemorySampler {
  readonly samples: number[] = [];
  #next = 0;
  readonly #every: number;

  constructor(every: number) {
    this.#every = every;
    this.samples.push(liveBytes());
    this.#next = every;
  }

  /** Samples if `position` has reached the next mark. */
  at(position: number): void {
    if (position < this.#next) return;
    this.samples.push(liveBytes());
    // Bounded: position is finite and every > 0.
    while (this.#next <= position) this.#next += this.#every;
  }
}

/** What a parent test checks of a child's samples. */
export interface FlatBounds {
  /** The most the live memory may grow from the first sample after warm-up. */
  growth: number;
  /** The most live memory any sample may show. */
  level: number;
}

/**
 * Whether samples are flat: the growth is measured from the sample a quarter
 * of the way in (earlier ones are taken while the buffers and pools every run
 * needs are still being made) to the largest later one. Returns a message for
 * the assertion.
 */
export function flatness(samples: number[], bounds: FlatBounds): { ok: boolean; message: string } {
  const settled = samples.slice(Math.max(1, Math.floor(samples.length / 4)));
  const growth = Math.max(...settled) - settled[0];
  const level = Math.max(...samples);
  const mib = (n: number) => (n / MiB).toFixed(1);
  const message = `live memory after forced collections (MiB): ${
    samples.map(mib).join(", ")
  }; growth ${mib(growth)} (bound ${mib(bounds.growth)}), highest ${mib(level)} (bound ${
    mib(bounds.level)
  })`;
  return {
    ok: samples.length >= 3 && growth < bounds.growth && level < bounds.level,
    message,
  };
}
