// One paging contract for every list: the input fields (page from 1, a bounded page size)
// and the page info each list returns beside its items. Browser-safe: the dashboard's
// pagination reads the same names.
import { z } from "zod";

export const MAX_PAGE = 100_000;
export const MIN_PAGE_SIZE = 5;
export const MAX_PAGE_SIZE = 200;

/** The paging fields of a list's input schema: `z.object({ ...filters, ...pagingInput() })`. */
export function pagingInput(defaultPageSize = 20) {
  return {
    page: z.number().int().min(1).max(MAX_PAGE).default(1),
    pageSize: z.number().int().min(MIN_PAGE_SIZE).max(MAX_PAGE_SIZE).default(defaultPageSize),
  };
}

/** The page info of a list's output schema: `z.object({ items, ...ZPageInfo })`. */
export const ZPageInfo = {
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  /** At least 1, so "page 1 of 1" holds for an empty list. */
  pageCount: z.number().int(),
};

export type TPaging = { page: number; pageSize: number };

/** Rows to skip and take for the page (Prisma's skip/take, SQL's OFFSET/LIMIT). */
export function pageWindow({ page, pageSize }: TPaging): { skip: number; take: number } {
  return { skip: (page - 1) * pageSize, take: pageSize };
}

/** The page info for `total` rows. */
export function pageInfo({ page, pageSize }: TPaging, total: number) {
  return { total, page, pageSize, pageCount: Math.max(1, Math.ceil(total / pageSize)) };
}
