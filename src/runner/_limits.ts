// Limits shared by the task schema and the CLI's flags, in a module of their
// own so that the CLI can check a flag without loading the schema (zod).

/** Most retries a step may ask for. */
export const MAX_RETRIES = 100;
