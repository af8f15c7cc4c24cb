// Parses a task file's text (YAML, JSON or JSONC) into plain data and keeps
// a way back from a key path to the line and column it came from, so that
// every error can point at the offending spot.
//
// Parser messages are used without their code frames: a frame would quote
// the source line, and that line may hold a password.

import process from "node:process";
import { CST, isMap, isScalar, isSeq, Lexer, LineCounter, type Node, parseDocument } from "yaml";
import {
  type Node as JsonNode,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";

/** A key path into the data, such as `["steps", 2, "put", "to"]`. */
export type KeyPath = readonly (string | number)[];

/** A 1-based position in the file. */
export interface Position {
  line: number;
  column: number;
}

/** A syntax error, already positioned. */
export interface SyntaxProblem extends Position {
  message: string;
}

/** Parsed data and the way back to positions. */
export interface ParsedSource {
  data: unknown;
  /**
   * Where a path is: the key itself (`"key"`, for unknown keys) or its value.
   * A path that does not exist resolves to its nearest existing ancestor.
   */
  locate(path: KeyPath, at?: "key" | "value"): Position;
}

/** The formats a task file can be written in, by extension. */
export type SourceFormat = "yaml" | "json";

function positionOf(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Parses the text. Returns the data and locator, or the syntax errors.
 */
export function parseSource(
  text: string,
  format: SourceFormat,
): ParsedSource | { errors: SyntaxProblem[] } {
  return format === "yaml" ? parseYaml(text) : parseJson(text);
}

/**
 * Runs `fn` with environment reads that ferry may not make answering
 * "unset" instead of throwing. yaml checks its debug switches (LOG_TOKENS,
 * LOG_STREAM) on every parse; under least privilege (no --allow-env for
 * them) that read would fail the parse. Parsing is synchronous, so the swap
 * cannot leak into other code.
 */
function withReadableEnv<T>(fn: () => T): T {
  const real = process.env;
  const readable = (key: string | symbol) =>
    typeof key === "string" &&
    Deno.permissions.querySync({ name: "env", variable: key }).state === "granted";
  // The target is a blank object: proxy invariant checks on the real env
  // would read the variable anyway.
  process.env = new Proxy({}, {
    get: (_, key) => readable(key) ? Reflect.get(real, key) : undefined,
    has: (_, key) => readable(key) && Reflect.has(real, key),
  });
  try {
    return fn();
  } finally {
    process.env = real;
  }
}

/**
 * yaml quotes the offending token in some messages ("Unexpected scalar token
 * in YAML stream: \"...\""); that token can be a password on a mangled
 * line, so quoted text is dropped and the line and column point at it.
 */
function withoutQuotedText(message: string): string {
  return firstLine(message)
    .replace(/"(?:[^"\\]|\\.)*"?/g, "")
    .replace(/[\s:]+$/, "");
}

function parseYaml(text: string): ParsedSource | { errors: SyntaxProblem[] } {
  const lineCounter = new LineCounter();
  const doc = withReadableEnv(() =>
    parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true })
  );
  // Such a reference may even parse (as a "$" and a map), into nonsense.
  const references = unquotedFlowReferences(text);
  if (doc.errors.length > 0 || references.length > 0) {
    const position = (offset: number) => {
      const at = lineCounter.linePos(offset);
      return { line: at.line, column: at.col };
    };
    // What the parser says after the first such reference is its fallout.
    const first = references[0]?.offset ?? Infinity;
    return {
      errors: [
        ...doc.errors.filter((error) => error.pos[0] < first).map((error) => ({
          ...position(error.pos[0]),
          message: withoutQuotedText(error.message),
        })),
        ...references.map(({ offset, shown }) => ({
          ...position(offset),
          message: `${shown} inside an inline list or map must be quoted, or YAML reads its ` +
            `"{" as the start of a map: write "${shown}" (in double quotes), or use the block form`,
        })),
      ],
    };
  }
  // Aliases are expanded with yaml's default cap, so an alias bomb fails
  // instead of exhausting memory.
  let data: unknown;
  try {
    data = withReadableEnv(() => doc.toJS({ maxAliasCount: 100 }));
  } catch (error) {
    return { errors: [{ line: 1, column: 1, message: firstLine(String(error)) }] };
  }
  const at = (offset: number): Position => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return {
    data,
    locate(path, where = "value") {
      let node: unknown = doc.contents;
      let found: Position = at(rangeStart(node) ?? 0);
      for (let i = 0; i < path.length; i++) {
        const segment = path[i];
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && p.key.value === segment);
          if (!pair) return found;
          if (last && where === "key") return at(rangeStart(pair.key) ?? 0);
          node = pair.value;
          found = at(rangeStart(node) ?? rangeStart(pair.key) ?? 0);
        } else if (isSeq(node) && typeof segment === "number" && node.items[segment]) {
          node = node.items[segment];
          found = at(rangeStart(node) ?? 0);
        } else {
          return found;
        }
      }
      return found;
    },
  };
}

/**
 * The `${VAR}` references written without quotes inside a flow collection
 * (`[${DIR}, b]`, `{ password: ${PW} }`), where "{" and "}" are syntax. The
 * lexer shows each as a plain scalar ending in "$" followed by a flow map's
 * "{". A reference is shown by its variable's name only: a default after
 * ":-" may be a secret.
 */
function unquotedFlowReferences(text: string): { offset: number; shown: string }[] {
  const found: { offset: number; shown: string }[] = [];
  let offset = 0;
  let depth = 0;
  let previous: { type: string | null; source: string; end: number } | undefined;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    // Marker tokens (document, scalar and flow-end markers) are not in the text.
    const inText = token !== CST.DOCUMENT && token !== CST.FLOW_END && token !== CST.SCALAR;
    if (type === "flow-map-start" || type === "flow-seq-start") {
      if (
        type === "flow-map-start" && depth > 0 && previous?.type === null &&
        previous.source.endsWith("$") && previous.end === offset
      ) {
        const inner = /^\{([^}\s,]*)\}?/.exec(text.slice(offset))?.[1] ?? "";
        const name = inner.split(":-")[0];
        const shown = /^[A-Za-z_]\w*$/.test(name)
          ? (inner.includes(":-") ? `\${${name}:-...}` : `\${${name}}`)
          : "$" + "{...}";
        found.push({ offset: offset - 1, shown });
      }
      depth++;
    } else if ((type === "flow-map-end" || type === "flow-seq-end") && depth > 0) depth--;
    if (inText) {
      if (type !== "space" && type !== "newline") {
        previous = { type, source: token, end: offset + token.length };
      }
      offset += token.length;
    }
  }
  return found;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

function parseJson(text: string): ParsedSource | { errors: SyntaxProblem[] } {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: false,
  });
  if (errors.length > 0 || !root) {
    const list = errors.length > 0 ? errors : [{ error: 0, offset: 0, length: 0 }];
    return {
      errors: list.map((e) => ({
        ...positionOf(text, e.offset),
        message: e.error === 0 ? "empty file" : describeJsonError(printParseErrorCode(e.error)),
      })),
    };
  }
  return {
    data: toValue(root),
    locate(path, where = "value") {
      let node: JsonNode = root;
      for (let i = 0; i < path.length; i++) {
        const segment = path[i];
        const last = i === path.length - 1;
        let next: JsonNode | undefined;
        if (node.type === "object" && typeof segment === "string") {
          const property = node.children?.find((p) => p.children?.[0]?.value === segment);
          if (property && last && where === "key") return positionOf(text, property.offset);
          next = property?.children?.[1];
        } else if (node.type === "array" && typeof segment === "number") {
          next = node.children?.[segment];
        }
        if (!next) break;
        node = next;
      }
      return positionOf(text, node.offset);
    },
  };
}

function toValue(node: JsonNode): unknown {
  switch (node.type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value) out[key.value as string] = toValue(value);
      }
      return out;
    }
    case "array":
      return (node.children ?? []).map(toValue);
    default:
      return node.value;
  }
}

function describeJsonError(code: string): string {
  // "PropertyNameExpected" reads better as "property name expected".
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
