// The one redactor every output passes through: the runner's events and
// report, and everything the CLI prints or writes. It hides the secrets it
// is given (passwords, in the forms they travel in) and, whatever it was
// given, the password part of any URL in the text.

/** `scheme://user:` followed by a password up to the `@` before the host. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/]*@/gi;

/** The forms a secret may be written in: as is, and URL-encoded. */
function formsOf(secret: string): string[] {
  return secret === "" ? [] : [secret, encodeURIComponent(secret)];
}

/**
 * A function replacing every secret (as is or URL-encoded) and every
 * password in a URL by `***`.
 */
export function makeRedactor(secrets: readonly string[]): (text: string) => string {
  // Longest first, so a secret that contains another is hidden whole.
  const sorted = [...new Set(secrets.flatMap(formsOf))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const form of sorted) out = out.split(form).join("***");
    return out.replace(URL_PASSWORD, "$1:***@");
  };
}

/**
 * The password of a URL as it was typed (raw and decoded), for hiding an
 * argument before it has been parsed, or when it cannot be.
 */
export function urlPasswords(text: string): string[] {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:@/]*:([\s\S]*)@/i.exec(text);
  if (!match || match[1] === "") return [];
  try {
    return [match[1], decodeURIComponent(match[1])];
  } catch {
    return [match[1]];
  }
}
