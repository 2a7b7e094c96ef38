// Keys a plain object already answers to (__proto__, constructor, toString...) and
// "prototype". As names in data they are lost or misread: JSON.parse makes "__proto__"
// an own key, but superjson's copy and zod's record both drop it without a word (a plan
// was saved without the limit it was sent); "constructor" reads as a limit wherever
// code forgets Object.hasOwn. Inputs refuse them instead, naming the field.

export const RESERVED_KEY_MESSAGE = "is a reserved name; choose another";

const RESERVED_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);

export function isReservedKey(key: string): boolean {
  return RESERVED_KEYS.has(key);
}

/**
 * The path of the first own "__proto__" key in a parsed JSON value (the one key that
 * deserialising drops), walked without recursion; null when there is none.
 */
export function findProtoKey(value: unknown, maxDepth = 32): Array<string | number> | null {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: node, path } = stack.pop()!;
    if (node === null || typeof node !== "object" || path.length >= maxDepth) continue;
    if (!Array.isArray(node) && Object.hasOwn(node, "__proto__")) return [...path, "__proto__"];
    const entries: Array<[string | number, unknown]> = Array.isArray(node) ? node.map((child, index) => [index, child]) : Object.entries(node);
    for (const [key, child] of entries) stack.push({ value: child, path: [...path, key] });
  }
  return null;
}
