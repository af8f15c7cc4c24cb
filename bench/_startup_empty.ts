// Intentionally empty: bench/startup.ts runs it with the CLI's flags and config
// to time what `deno run` costs before any of ferry's code runs.
