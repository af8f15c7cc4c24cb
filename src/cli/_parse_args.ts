// node:util's parseArgs in strict mode with positionals, for the options the
// CLI declares (booleans and strings, short letters, `multiple`): the same
// values, positionals and error messages (tests/cli/parse_args.test.ts
// compares them on generated arguments), without importing node:util, since
// the first node: import starts Deno's Node layer at a cost to every command's
// start (docs/performance.md, "Cold start").

/** One option: what node:util's `parseArgs` takes, less defaults. */
export interface OptionSpec {
  type: "boolean" | "string";
  short?: string;
  multiple?: boolean;
}

/** What {@linkcode parseArgs} returns: values by long name, and positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** A usage mistake in the arguments, worded as node:util's parseArgs words it. */
export class ParseArgsError extends TypeError {
  override name = "ParseArgsError";
}

const own = (options: Readonly<Record<string, OptionSpec>>, name: string) =>
  Object.hasOwn(options, name) ? options[name] : undefined;

function longForShort(options: Readonly<Record<string, OptionSpec>>, letter: string): string {
  for (const [name, spec] of Object.entries(options)) if (spec.short === letter) return name;
  return letter;
}

/** `-x`, `-xy` and `-xVALUE` for one letter, the way node's parser splits them. */
const isShort = (arg: string) => arg.length >= 2 && arg[0] === "-" && arg[1] !== "-";

/**
 * Parses `args` as node:util's `parseArgs({ args, options, strict: true,
 * allowPositionals: true })` does.
 *
 * @throws {ParseArgsError} An unknown option, a string option without a
 * value or with one that looks like an option, a boolean given a value.
 */
export function parseArgs(
  args: readonly string[],
  options: Readonly<Record<string, OptionSpec>>,
): ParsedArgs {
  const values: ParsedArgs["values"] = Object.create(null);
  const positionals: string[] = [];
  const remaining = [...args];
  const usage = (name: string) => {
    const short = own(options, name)?.short;
    return short === undefined ? `--${name}` : `-${short}, --${name}`;
  };
  const store = (name: string, rawName: string, value: string | undefined, inline: boolean) => {
    const spec = own(options, name);
    if (spec === undefined) {
      throw new ParseArgsError(
        `Unknown option '${rawName}'. To specify a positional argument starting with a '-', ` +
          `place it at the end of the command after '--', as in '-- ${JSON.stringify(rawName)}`,
      );
    }
    if (spec.type === "string" && value === undefined) {
      throw new ParseArgsError(`Option '${usage(name)} <value>' argument missing`);
    }
    if (spec.type === "boolean" && value !== undefined) {
      throw new ParseArgsError(`Option '${usage(name)}' does not take an argument`);
    }
    if (spec.type === "string" && !inline && value!.length > 1 && value![0] === "-") {
      const example = rawName.startsWith("--")
        ? `'--${name}=-XYZ'`
        : `'--${name}=-XYZ' or '${rawName}-XYZ'`;
      throw new ParseArgsError(
        `Option '${rawName}' argument is ambiguous.\n` +
          `Did you forget to specify the option argument for '${rawName}'?\n` +
          `To specify an option argument starting with a dash use ${example}.`,
      );
    }
    if (name === "__proto__") return;
    const stored = value ?? true;
    if (spec.multiple) {
      const list = values[name];
      if (Array.isArray(list)) list.push(stored);
      else values[name] = [stored];
    } else {
      values[name] = stored;
    }
  };
  while (remaining.length > 0) {
    const arg = remaining.shift()!;
    if (arg === "--") {
      positionals.push(...remaining);
      break;
    }
    if (isShort(arg) && arg.length === 2) {
      const name = longForShort(options, arg[1]);
      const takesValue = own(options, name)?.type === "string";
      const value = takesValue ? remaining.shift() : undefined;
      store(name, arg, value, false);
    } else if (isShort(arg)) {
      const first = longForShort(options, arg[1]);
      if (own(options, first)?.type === "string") {
        // -xVALUE
        store(first, `-${arg[1]}`, arg.slice(2), true);
        continue;
      }
      // A group of letters, -qv: each a flag, except that a string option
      // takes the rest of the group as its value (pushed back as -xREST).
      const expanded: string[] = [];
      for (let index = 1; index < arg.length; index++) {
        const letter = arg[index];
        const type = own(options, longForShort(options, letter))?.type;
        if (type !== "string" || index === arg.length - 1) {
          expanded.push(`-${letter}`);
        } else {
          expanded.push(`-${arg.slice(index)}`);
          break;
        }
      }
      remaining.unshift(...expanded);
    } else if (arg.length > 2 && arg.startsWith("--")) {
      const equals = arg.indexOf("=", 3);
      if (equals === -1) {
        const name = arg.slice(2);
        const takesValue = own(options, name)?.type === "string";
        store(name, arg, takesValue ? remaining.shift() : undefined, false);
      } else {
        // As node's: a value follows an "=" past the dashes, and the name ends at the first "=".
        const at = arg.indexOf("=");
        const name = arg.slice(2, at);
        store(name, `--${name}`, arg.slice(at + 1), true);
      }
    } else {
      positionals.push(arg);
    }
  }
  return { values, positionals };
}
