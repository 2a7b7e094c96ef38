// The layers of docs/ARCHITECTURE.md, checked: src/server never imports the app or its
// components, and the domains under src/server import each other without cycles. A cycle
// means two domains cannot be understood (or split, or tested) one without the other.
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SERVER = path.join(process.cwd(), "src", "server");

/**
 * Cycles that exist and are still to be broken, each with why it is still here (none
 * today). A cycle not listed here fails the test.
 */
const KNOWN_CYCLES: Array<{ domains: string[]; why: string }> = [];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** src/server/<domain>/... -> <domain>; a file directly under src/server is its own domain (clock.ts -> clock). */
function domainOf(file: string): string {
  return path.relative(SERVER, file).split(path.sep)[0]!.replace(/\.tsx?$/, "");
}

type TImport = { from: string; file: string; specifier: string; target: string };

function importsOf(file: string): TImport[] {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
  return importedFiles.map(({ fileName: specifier }) => {
    let target = specifier;
    if (specifier.startsWith("@/")) target = path.join(process.cwd(), "src", specifier.slice(2));
    else if (specifier.startsWith(".")) target = path.resolve(path.dirname(file), specifier);
    return { from: domainOf(file), file: path.relative(process.cwd(), file), specifier, target };
  });
}

/** Strongly connected components with more than one domain (Tarjan). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const state = new Map<string, { index: number; low: number; onStack: boolean }>();
  const found: string[][] = [];
  const visit = (node: string) => {
    state.set(node, { index, low: index, onStack: true });
    index++;
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!state.has(next)) {
        visit(next);
        state.get(node)!.low = Math.min(state.get(node)!.low, state.get(next)!.low);
      } else if (state.get(next)!.onStack) {
        state.get(node)!.low = Math.min(state.get(node)!.low, state.get(next)!.index);
      }
    }
    if (state.get(node)!.low === state.get(node)!.index) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        state.get(member)!.onStack = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe("domain imports", () => {
  const imports = sourceFiles(SERVER).flatMap(importsOf);

  it("src/server imports neither the app (src/app) nor its components", () => {
    const upward = imports.filter(({ target }) => target.startsWith(path.join(process.cwd(), "src", "app")) || target.startsWith(path.join(process.cwd(), "src", "components")));
    expect(upward.map(({ file, specifier }) => `${file} imports ${specifier}`)).toEqual([]);
  });

  it("src/shared (what client components may import) imports only packages and itself: nothing of the server or the app", () => {
    const SHARED = path.join(process.cwd(), "src", "shared");
    const outward = sourceFiles(SHARED)
      .flatMap(importsOf)
      .filter(({ specifier, target }) => (specifier.startsWith("@/") || specifier.startsWith(".")) && !target.startsWith(SHARED + path.sep));
    expect(outward.map(({ file, specifier }) => `${file} imports ${specifier}`)).toEqual([]);
  });

  it("client components ('use client') import nothing of src/server but types: what they need lives in src/shared", () => {
    const files = ["app", "components"].flatMap((dir) => sourceFiles(path.join(process.cwd(), "src", dir)));
    const leaks: string[] = [];
    for (const file of files) {
      const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
      const first = source.statements[0];
      const isClient = first && ts.isExpressionStatement(first) && ts.isStringLiteral(first.expression) && first.expression.text === "use client";
      if (!isClient) continue;
      for (const statement of source.statements) {
        if (!ts.isImportDeclaration(statement) || statement.importClause?.isTypeOnly) continue;
        const specifier = (statement.moduleSpecifier as ts.StringLiteral).text;
        const named = statement.importClause?.namedBindings;
        const onlyTypes = !statement.importClause?.name && named && ts.isNamedImports(named) && named.elements.every((element) => element.isTypeOnly);
        if (specifier.startsWith("@/server/") && !onlyTypes) leaks.push(`${path.relative(process.cwd(), file)} imports ${specifier}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("the domains under src/server import each other without cycles", () => {
    const graph = new Map<string, Set<string>>();
    for (const { from, target } of imports) {
      if (!target.startsWith(SERVER + path.sep)) continue;
      const to = domainOf(target);
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(to);
    }
    const known = KNOWN_CYCLES.map(({ domains }) => [...domains].sort().join(" <-> "));
    const describe = (component: string[]) => {
      const witnesses = imports.filter(({ from, target }) => component.includes(from) && target.startsWith(SERVER + path.sep) && component.includes(domainOf(target)) && domainOf(target) !== from);
      return `${component.join(" <-> ")}\n    ${witnesses.map(({ file, specifier }) => `${file} imports ${specifier}`).join("\n    ")}`;
    };
    const unexpected = cycles(graph).filter((component) => !known.includes(component.join(" <-> "))).map(describe);
    expect(unexpected, `import cycles between domains; break them (see docs/ARCHITECTURE.md):\n${unexpected.join("\n")}`).toEqual([]);
  });

  it("a cycle is found when there is one (the check can fail)", () => {
    const graph = new Map([
      ["a", new Set(["b"])],
      ["b", new Set(["c"])],
      ["c", new Set(["a"])],
      ["d", new Set(["a"])],
    ]);
    expect(cycles(graph)).toEqual([["a", "b", "c"]]);
  });
});
