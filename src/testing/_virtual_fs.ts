/**
 * The served tree: virtual paths as clients see them (`/` is the root),
 * mapped into the real root directory so that nothing outside it can be
 * read, written, listed, renamed or deleted, not even through `..`,
 * absolute paths or symbolic links.
 *
 * Checks happen before each operation; a local process racing to swap a
 * directory for a symlink between check and use is outside what a test
 * server defends against.
 *
 * @module
 */

import { basename, join, sep } from "node:path";
import type { ListedEntry } from "./_listing_format.ts";

/** A path that would leave the root, or that names the root itself. */
export class PathRefused extends Error {
  /** @param message Why the path is refused. */
  constructor(message: string) {
    super(message);
    this.name = "PathRefused";
  }
}

const WINDOWS = Deno.build.os === "windows";

/** The served directory and the rules for reaching into it. */
export class VirtualFs {
  /** The root with every symlink resolved. */
  readonly realRoot: string;
  readonly #prefix: string;

  private constructor(realRoot: string) {
    this.realRoot = realRoot;
    this.#prefix = realRoot.endsWith(sep) ? realRoot : realRoot + sep;
  }

  /**
   * Opens a root directory.
   *
   * @throws If `root` does not exist or is not a directory.
   */
  static async open(root: string): Promise<VirtualFs> {
    const realRoot = await Deno.realPath(root);
    if (!(await Deno.stat(realRoot)).isDirectory) {
      throw new Deno.errors.NotADirectory(`The FTP root ${root} is not a directory`);
    }
    return new VirtualFs(realRoot);
  }

  /**
   * Resolves a command's path argument against the current directory,
   * POSIX style, clamping `..` at the root. Segments are kept exactly,
   * spaces included.
   *
   * @returns An absolute virtual path such as `/a/b c`.
   */
  resolve(cwd: string, argument: string): string {
    const segments = argument.startsWith("/") ? [] : cwd.split("/").filter(Boolean);
    for (const part of argument.split("/")) {
      if (part === "" || part === ".") continue;
      if (part === "..") segments.pop();
      else segments.push(part);
    }
    return "/" + segments.join("/");
  }

  /** Whether a real path lies in the root (or is it). */
  isInside(real: string): boolean {
    return real === this.realRoot || real.startsWith(this.#prefix);
  }

  /**
   * The real path of an existing file or directory, symlinks followed.
   *
   * @throws {PathRefused} If it resolves outside the root.
   * @throws {Deno.errors.NotFound} If it does not exist (or dangles).
   */
  async existing(virtual: string): Promise<string> {
    const real = await Deno.realPath(this.#mapped(virtual));
    if (!this.isInside(real)) {
      throw new PathRefused(`${virtual} leads outside the served directory`);
    }
    return real;
  }

  /**
   * The real path of a directory entry itself, not following it if it is a
   * symlink: its parent is resolved and checked, its name appended. For
   * deleting, renaming and creating entries.
   *
   * @throws {PathRefused} For the root itself, or a parent outside the root.
   */
  async entry(virtual: string): Promise<string> {
    if (virtual === "/") throw new PathRefused("The root directory itself cannot be changed");
    const cut = virtual.lastIndexOf("/");
    const parent = await this.existing(virtual.slice(0, cut) || "/");
    return join(parent, this.#checkedSegment(virtual.slice(cut + 1)));
  }

  /**
   * The real path to write a file at: an existing target is followed (and
   * must stay inside, so a symlink to `/etc/passwd` is refused, as is a
   * dangling one whose target could be created outside), a new one is
   * placed in its checked parent.
   */
  async writable(virtual: string): Promise<string> {
    try {
      await Deno.lstat(this.#mapped(virtual));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return await this.entry(virtual);
      throw error;
    }
    return await this.existing(virtual);
  }

  /** Describes one entry, not following it if it is a symlink. */
  async describe(real: string, name: string): Promise<ListedEntry> {
    const info = await Deno.lstat(real);
    if (!info.isSymlink) return { name, info };
    // The target is shown as text only; it is never opened from here.
    return { name, info, linkTarget: await Deno.readLink(real).catch(() => undefined) };
  }

  /** Describes what a virtual path names, the root included. */
  async describeVirtual(virtual: string): Promise<ListedEntry> {
    if (virtual === "/") return await this.describe(this.realRoot, "/");
    return await this.describe(await this.entry(virtual), basename(virtual));
  }

  /**
   * The entries of a real directory, sorted by name. Names holding CR or LF
   * are left out: no listing format can carry them.
   */
  async list(realDir: string): Promise<ListedEntry[]> {
    const names: string[] = [];
    for await (const item of Deno.readDir(realDir)) {
      if (!/[\r\n]/.test(item.name)) names.push(item.name);
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const entries: ListedEntry[] = [];
    for (const name of names) {
      try {
        entries.push(await this.describe(join(realDir, name), name));
      } catch {
        // Removed between readDir and lstat: it is simply gone.
      }
    }
    return entries;
  }

  #mapped(virtual: string): string {
    const segments = virtual.split("/").filter(Boolean).map((s) => this.#checkedSegment(s));
    return join(this.realRoot, ...segments);
  }

  #checkedSegment(segment: string): string {
    // NUL would fail in the system call anyway; on Windows `\` and `:` are
    // separators or stream names the POSIX resolution above never saw.
    if (segment.includes("\0") || (WINDOWS && /[\\:]/.test(segment))) {
      throw new PathRefused(`The name ${JSON.stringify(segment)} is not allowed`);
    }
    return segment;
  }
}

/** An FTP reply for a failed file system operation. */
export interface FsFailure {
  /** The reply code. */
  code: number;
  /** The reply text. */
  text: string;
}

const FAILURES: Record<string, FsFailure> = {
  ENOENT: { code: 550, text: "No such file or directory" },
  EACCES: { code: 550, text: "Permission denied" },
  EPERM: { code: 550, text: "Operation not permitted" },
  EEXIST: { code: 550, text: "File exists" },
  ENOTDIR: { code: 550, text: "Not a directory" },
  EISDIR: { code: 550, text: "Is a directory" },
  ENOTEMPTY: { code: 550, text: "Directory not empty" },
  ELOOP: { code: 550, text: "Too many levels of symbolic links" },
  EINVAL: { code: 550, text: "Invalid argument" },
  EBUSY: { code: 450, text: "Resource busy" },
  ENAMETOOLONG: { code: 553, text: "File name too long" },
  ENOSPC: { code: 452, text: "Insufficient storage space" },
  EDQUOT: { code: 552, text: "Storage quota exceeded" },
};

/**
 * The reply for an error thrown by a file system operation or by
 * {@linkcode VirtualFs}, or `undefined` if it is not one of those.
 */
export function fsFailure(error: unknown): FsFailure | undefined {
  if (error instanceof PathRefused) {
    return { code: 550, text: `Permission denied: ${error.message}` };
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code in FAILURES) return FAILURES[code];
  if (error instanceof Deno.errors.NotFound) return FAILURES.ENOENT;
  if (error instanceof Deno.errors.PermissionDenied) return FAILURES.EACCES;
  if (error instanceof Deno.errors.AlreadyExists) return FAILURES.EEXIST;
  if (error instanceof Deno.errors.NotADirectory) return FAILURES.ENOTDIR;
  if (error instanceof Deno.errors.IsADirectory) return FAILURES.EISDIR;
  return undefined;
}
