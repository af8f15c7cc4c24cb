// The secrets (passwords, accounts) a control connection hides where a
// reply quotes them, before the reply reaches errors, events or the debug
// trace.

import type { FtpReply } from "../protocol/reply.ts";
import { secretMatcher } from "../protocol/secret_text.ts";

/**
 * Whether a reply quotes what `matcher` (a secret's) finds: most do not,
 * and those go on as they came, not copied.
 */
function quotes(matcher: RegExp, reply: FtpReply): boolean {
  // A global expression's test starts where the last one stopped.
  matcher.lastIndex = 0;
  if (matcher.test(reply.text)) return true;
  for (const line of reply.lines) {
    matcher.lastIndex = 0;
    if (matcher.test(line)) return true;
  }
  return false;
}

/** Replaces the secrets registered with `hide` where a reply quotes them. */
export class ReplyRedactor {
  /** Texts (passwords) replaced by `***` where a reply quotes them. */
  readonly #secrets = new Set<string>();
  /** The secrets' matchers (during login, after it), made once per change. */
  #matchers?: { login?: RegExp; other?: RegExp };

  /**
   * Registers a secret to hide (see `ControlConnection.hide`); empty texts
   * are ignored.
   */
  hide(secret: string): void {
    if (secret.length > 0) this.#secrets.add(secret);
    this.#matchers = undefined;
  }

  /**
   * `reply` with the secrets it quotes replaced by `***` (with `toLogin`, a
   * reply to USER, PASS or ACCT, also the short ones: see
   * `ControlConnection.hide`); as it came, not copied, where it quotes none.
   */
  redact(reply: FtpReply, toLogin: boolean): FtpReply {
    this.#matchers ??= {
      login: secretMatcher(this.#secrets, "alone"),
      other: secretMatcher(this.#secrets, "skip"),
    };
    const matcher = toLogin ? this.#matchers.login : this.#matchers.other;
    if (!matcher || !quotes(matcher, reply)) return reply;
    const clean = (text: string) => text.replace(matcher, "***");
    return { code: reply.code, text: clean(reply.text), lines: reply.lines.map(clean) };
  }
}
