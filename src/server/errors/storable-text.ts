// Text PostgreSQL can store, checked at the edge before any database round trip: no NUL
// (text columns refuse it with 22021, jsonb with 22P05) and no unpaired UTF-16 surrogate
// (jsonb refuses its escape). Used by the chat API's body and by every tRPC input.

export const UNSTORABLE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";

export function isStorableText(text: string): boolean {
  return !text.includes("\u0000") && text.isWellFormed();
}

export type TTextIssue = { path: Array<string | number>; message: string };

/**
 * Walks a parsed JSON-like value without recursion and returns the first key or string
 * that cannot be stored, with its path; or nesting deeper than `maxDepth`.
 */
export function findUnstorableText(value: unknown, maxDepth = 32): TTextIssue | null {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (typeof node === "string") {
      if (!isStorableText(node)) return { path, message: UNSTORABLE_TEXT_MESSAGE };
      continue;
    }
    if (node === null || typeof node !== "object" || node instanceof Date) continue;
    if (path.length >= maxDepth) return { path, message: `must be nested at most ${maxDepth} levels deep` };
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((child, index) => [index, child]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof key === "string" && !isStorableText(key)) return { path, message: UNSTORABLE_TEXT_MESSAGE };
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}
