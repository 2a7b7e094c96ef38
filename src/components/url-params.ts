// Reading a page's searchParams: one value per name, junk ignored rather than thrown
// (a hand-edited URL should show the unfiltered list, not an error page).

export type TSearchParams = Record<string, string | string[] | undefined>;

export function readParam(params: TSearchParams, name: string, maxLength = 100): string | undefined {
  const raw = params[name];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value.slice(0, maxLength) : undefined;
}

export function readChoice<T extends string>(params: TSearchParams, name: string, choices: readonly T[]): T | undefined {
  const value = readParam(params, name);
  return choices.find((choice) => choice === value);
}

/** ?page=N, a whole number >= 1; anything else is page 1. */
export function readPage(params: TSearchParams): number {
  const value = readParam(params, "page", 9);
  const page = value && /^\d+$/.test(value) ? Number(value) : 1;
  return page >= 1 ? page : 1;
}
