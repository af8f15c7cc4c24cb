// ~/.netrc lookup, as curl and lftp read it: `machine`, `default`,
// `login`, `password`, `account`, `macdef` (skipped), double-quoted tokens.
// Hand-written because the npm parsers either predate quoting or pull in a
// process-spawning stack for GPG support; the format fits in a page.

/** Credentials found for a host. */
export interface NetrcEntry {
  login?: string;
  password?: string;
  account?: string;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  // Bounded: every iteration consumes at least one character.
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i < text.length && text[i] !== "\n") i++;
    } else if (c === '"') {
      let token = "";
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        token += text[i++];
      }
      i++;
      tokens.push(token);
    } else {
      let token = "";
      while (i < text.length && !/\s/.test(text[i])) token += text[i++];
      if (token === "macdef") {
        // A macro runs to the next blank line.
        const end = text.indexOf("\n\n", i);
        i = end === -1 ? text.length : end + 2;
        continue;
      }
      tokens.push(token);
    }
  }
  return tokens;
}

/**
 * Finds the entry for a host (and, when given, a login) in netrc text:
 * the first matching `machine`, else `default`.
 */
export function findNetrcEntry(text: string, host: string, login?: string): NetrcEntry | undefined {
  const tokens = tokenize(text);
  let fallback: NetrcEntry | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const isDefault = tokens[i] === "default";
    if (tokens[i] !== "machine" && !isDefault) continue;
    const machine = isDefault ? undefined : tokens[++i];
    const entry: NetrcEntry = {};
    // Bounded by the token count.
    while (i + 2 < tokens.length + 1 && ["login", "password", "account"].includes(tokens[i + 1])) {
      const key = tokens[i + 1] as keyof NetrcEntry;
      entry[key] = tokens[i + 2];
      i += 2;
    }
    if (login !== undefined && entry.login !== undefined && entry.login !== login) continue;
    if (machine !== undefined && machine.toLowerCase() === host.toLowerCase()) return entry;
    if (isDefault) fallback ??= entry;
  }
  return fallback;
}
