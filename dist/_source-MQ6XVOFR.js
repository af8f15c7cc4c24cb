// src/runner/_source.ts
import process from "node:process";
import { CST, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument } from "yaml";
import { parseTree, printParseErrorCode } from "jsonc-parser";
function positionOf(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return {
    line,
    column: offset - lineStart + 1
  };
}
function parseSource(text, format) {
  return format === "yaml" ? parseYaml(text) : parseJson(text);
}
function withReadableEnv(fn) {
  const real = process.env;
  const readable = (key) => typeof key === "string" && Deno.permissions.querySync({
    name: "env",
    variable: key
  }).state === "granted";
  process.env = new Proxy({}, {
    get: (_, key) => readable(key) ? Reflect.get(real, key) : void 0,
    has: (_, key) => readable(key) && Reflect.has(real, key)
  });
  try {
    return fn();
  } finally {
    process.env = real;
  }
}
function withoutQuotedText(message) {
  return firstLine(message).replace(/"(?:[^"\\]|\\.)*"?/g, "").replace(/[\s:]+$/, "");
}
function parseYaml(text) {
  const lineCounter = new LineCounter();
  const doc = withReadableEnv(() => parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true
  }));
  const references = unquotedFlowReferences(text);
  if (doc.errors.length > 0 || references.length > 0) {
    const position = (offset) => {
      const at2 = lineCounter.linePos(offset);
      return {
        line: at2.line,
        column: at2.col
      };
    };
    const first = references[0]?.offset ?? Infinity;
    return {
      errors: [
        ...doc.errors.filter((error) => error.pos[0] < first).map((error) => ({
          ...position(error.pos[0]),
          message: withoutQuotedText(error.message)
        })),
        ...references.map(({ offset, shown }) => ({
          ...position(offset),
          message: `${shown} inside an inline list or map must be quoted, or YAML reads its "{" as the start of a map: write "${shown}" (in double quotes), or use the block form`
        }))
      ]
    };
  }
  let data;
  try {
    data = withReadableEnv(() => doc.toJS({
      maxAliasCount: 100
    }));
  } catch (error) {
    return {
      errors: [
        {
          line: 1,
          column: 1,
          message: firstLine(String(error))
        }
      ]
    };
  }
  const at = (offset) => {
    const p = lineCounter.linePos(offset);
    return {
      line: p.line,
      column: p.col
    };
  };
  return {
    data,
    locate(path, where = "value") {
      let node = doc.contents;
      let found = at(rangeStart(node) ?? 0);
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
    }
  };
}
function unquotedFlowReferences(text) {
  const found = [];
  let offset = 0;
  let depth = 0;
  let previous;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    const inText = token !== CST.DOCUMENT && token !== CST.FLOW_END && token !== CST.SCALAR;
    if (type === "flow-map-start" || type === "flow-seq-start") {
      if (type === "flow-map-start" && depth > 0 && previous?.type === null && previous.source.endsWith("$") && previous.end === offset) {
        const inner = /^\{([^}\s,]*)\}?/.exec(text.slice(offset))?.[1] ?? "";
        const name = inner.split(":-")[0];
        const shown = /^[A-Za-z_]\w*$/.test(name) ? inner.includes(":-") ? `\${${name}:-...}` : `\${${name}}` : "${...}";
        found.push({
          offset: offset - 1,
          shown
        });
      }
      depth++;
    } else if ((type === "flow-map-end" || type === "flow-seq-end") && depth > 0) depth--;
    if (inText) {
      if (type !== "space" && type !== "newline") {
        previous = {
          type,
          source: token,
          end: offset + token.length
        };
      }
      offset += token.length;
    }
  }
  return found;
}
function rangeStart(node) {
  return node?.range?.[0];
}
function parseJson(text) {
  const errors = [];
  const root = parseTree(text, errors, {
    allowTrailingComma: true,
    disallowComments: false,
    allowEmptyContent: false
  });
  if (errors.length > 0 || !root) {
    const list = errors.length > 0 ? errors : [
      {
        error: 0,
        offset: 0,
        length: 0
      }
    ];
    return {
      errors: list.map((e) => ({
        ...positionOf(text, e.offset),
        message: e.error === 0 ? "empty file" : describeJsonError(printParseErrorCode(e.error))
      }))
    };
  }
  return {
    data: toValue(root),
    locate(path, where = "value") {
      let node = root;
      for (let i = 0; i < path.length; i++) {
        const segment = path[i];
        const last = i === path.length - 1;
        let next;
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
    }
  };
}
function toValue(node) {
  switch (node.type) {
    case "object": {
      const out = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value) out[key.value] = toValue(value);
      }
      return out;
    }
    case "array":
      return (node.children ?? []).map(toValue);
    default:
      return node.value;
  }
}
function describeJsonError(code) {
  return code.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}
function firstLine(message) {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
export {
  parseSource
};
