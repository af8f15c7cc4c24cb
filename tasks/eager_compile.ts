// tasks/build.ts runs this on every chunk of the bundle: it marks the
// chunk's functions for V8 to compile with their module, so that Deno's code
// cache holds them.
//
// Why: Deno makes a module's code cache right after compiling the module,
// before it runs. V8 compiles lazily: a module's compile holds its top-level
// code, and each function is compiled on its first call, in every process,
// after the cache was made, so the cache never holds it. A one-file get
// compiled 556 of ferry's functions that way (docs/performance.md, "Cold
// start", eighth round). `--v8-flags=--no-lazy` compiles every function of
// every module eagerly, Deno's own `node:` modules included, and changes the
// flags Deno's shared code cache is keyed by (the seventh round's opt-in).
//
// V8's parser has a heuristic instead, one function at a time: a function
// or arrow expression right after an opening parenthesis, as in
// `(function(){…})()`, is "likely called" and compiled with the function
// around it, so, from the module's top level down, with the module. What
// this file inserts, nothing else:
//
// - every function or arrow expression not already in parentheses gets a
//   pair of its own: the same value (parentheses never change an
//   expression's value, nor the name an anonymous function takes from its
//   binding);
// - a function declaration `function f(…){…}` becomes `var f=(function
//   f(…){…});` where that cannot be told apart: the declaration stands in a
//   module's or a function's body, and nothing can call `f` before the
//   statement runs (a declaration is hoisted, created before any code of its
//   scope runs; the `var` is assigned where it stands). So a declaration
//   stays as it is when its name occurs in its scope before it (whatever
//   that occurrence is: names are not resolved, so a shadowing variable of
//   the same name also keeps it), or inside a declaration that stays (which
//   may run at any time), or when the caller says the module is in an
//   import cycle (another module's code may then run before this one's);
// - methods and classes stay lazy: no expression can stand in their place.
//
// Only characters are inserted, so the caller moves the source map's columns
// by the insertions (markForEagerCompile does both).

import { parse } from "acorn";
import { shiftColumnsFor, type SourceMap } from "./_source_map.ts";

/** One inserted text: `text` goes before the character at `offset` of the original. */
export interface Insertion {
  offset: number;
  text: string;
}

/** An ESTree node as acorn makes it: the fields this file reads. */
interface Node {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is Node =>
  typeof value === "object" && value !== null && typeof (value as Node).type === "string";

const isFunction = (node: Node | undefined) =>
  node?.type === "FunctionDeclaration" || node?.type === "FunctionExpression" ||
  node?.type === "ArrowFunctionExpression";

/** A function declaration, with the scope its name is declared in. */
interface Declaration {
  node: Node;
  name: string;
  /** The module (Program) or the function whose body holds it. */
  scope: Node;
  /** Stays a declaration: it could be called before its statement runs. */
  stays: boolean;
}

/**
 * The insertions that make V8 compile the module `source`'s functions with
 * the module (above), sorted by offset. `inCycle`: the module is part of an
 * import cycle, so its declarations all stay.
 */
export function eagerCompileInsertions(source: string, inCycle = false): Insertion[] {
  const program = parse(source, {
    ecmaVersion: "latest",
    sourceType: "module",
    preserveParens: true,
  }) as unknown as Node;
  const expressions: Node[] = [];
  const declarations: Declaration[] = [];
  /** Every identifier that may name a variable, by name: its offsets. */
  const names = new Map<string, number[]>();
  /** Offsets of identifiers that are written (assigned, updated, bound again). */
  const writes = new Set<number>();
  let directEval = false;
  const targets = (node: unknown): void => {
    if (!isNode(node)) return;
    if (node.type === "Identifier") writes.add(node.start);
    else if (node.type === "ParenthesizedExpression") targets(node.expression);
    else if (node.type === "AssignmentPattern") targets(node.left);
    else if (node.type === "RestElement") targets(node.argument);
    else if (node.type === "ArrayPattern") (node.elements as unknown[]).forEach(targets);
    else if (node.type === "ObjectPattern") {
      for (const p of node.properties as Node[]) targets(p.type === "Property" ? p.value : p);
    } else if (node.type === "VariableDeclaration") {
      for (const d of node.declarations as Node[]) targets(d.id);
    }
  };
  const walk = (node: Node, parent: Node | undefined, grandparent: Node | undefined) => {
    if (node.type === "Identifier") {
      const name = node.name as string;
      const at = names.get(name);
      if (at) at.push(node.start);
      else names.set(name, [node.start]);
    }
    if (node.type === "AssignmentExpression") targets(node.left);
    if (node.type === "UpdateExpression") targets(node.argument);
    if (node.type === "ForInStatement" || node.type === "ForOfStatement") targets(node.left);
    if (node.type === "VariableDeclarator") targets(node.id);
    if (node.type === "CatchClause") targets(node.param);
    if (isFunction(node)) (node.params as unknown[]).forEach(targets);
    if (
      (node.type === "ClassDeclaration" || node.type === "FunctionDeclaration") && isNode(node.id)
    ) {
      targets(node.id);
    }
    if (
      node.type === "CallExpression" && isNode(node.callee) && node.callee.type === "Identifier" &&
      node.callee.name === "eval"
    ) directEval = true;
    if (
      (node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression") &&
      parent?.type !== "ParenthesizedExpression" &&
      // A method's function is its parameters and body: no parentheses
      // can go around it.
      parent?.type !== "MethodDefinition" &&
      !(parent?.type === "Property" && (parent.method || parent.kind !== "init"))
    ) {
      expressions.push(node);
    }
    if (node.type === "FunctionDeclaration" && isNode(node.id) && parent) {
      const scope = parent.type === "Program"
        ? parent
        : parent.type === "BlockStatement" && isFunction(grandparent)
        ? grandparent
        : undefined;
      declarations.push({
        node,
        name: node.id.name as string,
        scope: scope ?? parent,
        // In a block, a switch, a label or an export: left alone.
        stays: inCycle || scope === undefined,
      });
    }
    for (const [key, value] of Object.entries(node)) {
      // Property names are not variables (a shorthand `{f}`'s value is).
      if (
        key === "key" && !node.computed && node.type !== "Property" ||
        key === "key" && node.type === "Property" && !node.computed && !node.shorthand ||
        key === "property" && node.type === "MemberExpression" && !node.computed ||
        key === "label"
      ) continue;
      if (Array.isArray(value)) {
        for (const child of value) if (isNode(child)) walk(child, node, parent);
      } else if (isNode(value)) walk(value, node, parent);
    }
  };
  walk(program, undefined, undefined);

  const inside = (offset: number, node: Node) => offset >= node.start && offset < node.end;
  /** The offsets where `declaration`'s name occurs in its scope, outside itself. */
  const uses = (declaration: Declaration) =>
    (names.get(declaration.name) ?? []).filter((offset) =>
      inside(offset, declaration.scope) && !inside(offset, declaration.node)
    );
  for (const declaration of declarations) {
    if (uses(declaration).some((offset) => offset < declaration.node.start)) {
      declaration.stays = true;
    }
    // As `var f=(function f…)`, a use of `f` inside the function names the
    // function itself, no longer the scope's binding: they differ once that
    // binding is written (and a write inside the function throws).
    const id = (declaration.node.id as Node).start;
    const inner = (names.get(declaration.name) ?? []).some((offset) =>
      offset !== id && inside(offset, declaration.node)
    );
    const written = (names.get(declaration.name) ?? []).some((offset) =>
      offset !== id && writes.has(offset) && inside(offset, declaration.scope)
    );
    // A direct eval reads names that no Identifier spells.
    if ((inner && written) || directEval) declaration.stays = true;
  }
  // A declaration that stays is hoisted and may run before any statement of
  // its scope: whatever it names must stay hoisted too. (So do both of two
  // declarations of one name in one body: the later names the earlier's
  // name before it, and its own name is inside it.) Each pass can only
  // add to those that stay, so this ends.
  for (let changed = true; changed;) {
    changed = false;
    const staying = declarations.filter((declaration) => declaration.stays);
    for (const declaration of declarations) {
      if (declaration.stays) continue;
      // A use inside a staying declaration that holds this one runs after
      // it, in the same body: only the others count.
      const early = (offset: number) =>
        staying.some((other) =>
          inside(offset, other.node) && !inside(declaration.node.start, other.node)
        );
      if (uses(declaration).some(early)) {
        declaration.stays = true;
        changed = true;
      }
    }
  }

  const insertions: Insertion[] = [];
  for (const node of expressions) {
    insertions.push({ offset: node.start, text: "(" }, { offset: node.end, text: ")" });
  }
  for (const { node, name, stays } of declarations) {
    if (stays) continue;
    insertions.push({ offset: node.start, text: `var ${name}=(` }, {
      offset: node.end,
      text: ");",
    });
  }
  // At one offset, what closes comes before what opens: `function f(){}`
  // and `function g(){}` written one after the other end and start there.
  // Two closings at one offset are an inner and an outer expression ending
  // together (`a=>function(){}`), both `)`.
  const opens = (insertion: Insertion) => insertion.text.endsWith("(") ? 1 : 0;
  return insertions.sort((a, b) => a.offset - b.offset || opens(a) - opens(b));
}

/**
 * `chunk` marked for eager compilation (eagerCompileInsertions), with `map`,
 * its source map, moved to match.
 *
 * @example
 * ```ts ignore
 * const map = JSON.parse(await Deno.readTextFile("dist/cli/mod.js.map"));
 * const marked = markForEagerCompile(await Deno.readTextFile("dist/cli/mod.js"), map, false);
 * ```
 */
export function markForEagerCompile(chunk: string, map: SourceMap, inCycle: boolean): string {
  const insertions = eagerCompileInsertions(chunk, inCycle);
  const marked = applyInsertions(chunk, insertions);
  assertSameProgram(chunk, marked);
  shiftColumnsFor(map, chunk, insertions);
  return marked;
}

/** The modules `source` imports statically (`import … from "x"`, `export … from "x"`). */
export function staticImports(source: string): string[] {
  const program = parse(source, { ecmaVersion: "latest", sourceType: "module" }) as unknown as Node;
  return (program.body as Node[]).flatMap((statement) => {
    const from = statement.source;
    return isNode(from) && typeof from.value === "string" ? [from.value] : [];
  });
}

/**
 * The modules of `imports` (each module's static imports, by the same
 * names) that import themselves through them: in such a cycle one module's
 * code may run before another's has, so a declaration there must stay
 * hoisted.
 */
export function modulesInCycles(imports: ReadonlyMap<string, readonly string[]>): Set<string> {
  const inCycles = new Set<string>();
  for (const module of imports.keys()) {
    const seen = new Set<string>();
    const next = [...imports.get(module) ?? []];
    while (next.length > 0) {
      const at = next.pop()!;
      if (at === module) {
        inCycles.add(module);
        break;
      }
      if (seen.has(at)) continue;
      seen.add(at);
      next.push(...imports.get(at) ?? []);
    }
  }
  return inCycles;
}

/** `source` with `insertions` (sorted by offset) inserted. */
export function applyInsertions(source: string, insertions: readonly Insertion[]): string {
  let out = "";
  let at = 0;
  for (const { offset, text } of insertions) {
    out += source.slice(at, offset) + text;
    at = offset;
  }
  return out + source.slice(at);
}

/**
 * Throws unless `marked` parses to the program `source` does, but for
 * parentheses and `var f=(function f…);` for `function f…`: an insertion
 * that changed how the text parses (a newline that ended a statement before
 * a `(` was inserted) fails the build instead of shipping.
 */
export function assertSameProgram(source: string, marked: string) {
  const shape = (text: string) =>
    JSON.stringify(
      parse(text, { ecmaVersion: "latest", sourceType: "module" }),
      function (key, value) {
        if (key === "start" || key === "end") return undefined;
        if (Array.isArray(value)) {
          return value.flatMap((node) => {
            const [declarator] = node?.type === "VariableDeclaration" && node.kind === "var" &&
                node.declarations.length === 1
              ? node.declarations
              : [];
            if (
              declarator?.init?.type === "FunctionExpression" &&
              declarator.init.id?.name === declarator.id.name
            ) return [{ ...declarator.init, type: "FunctionDeclaration" }];
            return node?.type === "EmptyStatement" ? [] : [node];
          });
        }
        return value;
      },
    );
  if (shape(marked) !== shape(source)) {
    throw new Error("tasks/eager_compile.ts: the marked chunk parses to another program");
  }
}
