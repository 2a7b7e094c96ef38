// A search matches the text as typed: Prisma's `contains` becomes LIKE '%…%' and passes
// the text through, so `%` and `_` would be wildcards (searching "%" listed everything).
// PostgreSQL's LIKE escape character is the backslash.

export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Case-insensitive "contains the text as typed", for a Prisma string filter. */
export function containsText(text: string) {
  return { contains: escapeLikePattern(text), mode: "insensitive" as const };
}
