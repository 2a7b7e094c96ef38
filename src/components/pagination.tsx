// Page links for server-rendered lists: every page is a URL (?page=N), so the
// browser's back button and shared links work. Shows first, last, and two either side.
import Link from "next/link";
import clsx from "clsx";

type TPaginationProps = {
  basePath: string;
  /** The list's other URL parameters (filters), kept on every page link. */
  params: Record<string, string | undefined>;
  page: number;
  pageCount: number;
  total: number;
  pageSize: number;
  noun: string;
};

export function hrefWith(basePath: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const query = search.toString();
  return query ? `${basePath}?${query}` : basePath;
}

function pageNumbers(page: number, pageCount: number): (number | "gap")[] {
  const wanted = new Set([1, pageCount, page - 2, page - 1, page, page + 1, page + 2]);
  const pages = [...wanted].filter((n) => n >= 1 && n <= pageCount).sort((a, b) => a - b);
  const result: (number | "gap")[] = [];
  pages.forEach((n, index) => {
    if (index > 0 && n - pages[index - 1]! > 1) result.push("gap");
    result.push(n);
  });
  return result;
}

export function Pagination({ basePath, params, page, pageCount, total, pageSize, noun }: TPaginationProps) {
  const href = (n: number) => hrefWith(basePath, { ...params, page: n > 1 ? String(n) : undefined });
  const first = total === 0 ? 0 : Math.min(total, (page - 1) * pageSize + 1);
  const last = Math.min(total, page * pageSize);
  const linkClass = "rounded-md px-3 py-1.5 text-sm";
  return (
    <div className="mt-4 flex flex-wrap items-center justify-between gap-3 text-sm text-gray-600">
      <p data-testid="pagination-summary">
        {total === 0 ? `No ${noun}` : `${first}–${last} of ${total.toLocaleString("en-US")} ${noun}`}
      </p>
      {pageCount > 1 ? (
        <nav aria-label="Pagination" className="flex items-center gap-1">
          {page > 1 ? (
            <Link href={href(page - 1)} className={clsx(linkClass, "hover:bg-gray-100")} rel="prev">
              Previous
            </Link>
          ) : (
            <span className={clsx(linkClass, "text-gray-300")} aria-disabled="true">
              Previous
            </span>
          )}
          {pageNumbers(page, pageCount).map((n, index) =>
            n === "gap" ? (
              <span key={`gap-${index}`} className="px-1 text-gray-400">
                …
              </span>
            ) : (
              <Link
                key={n}
                href={href(n)}
                aria-label={`Page ${n}`}
                aria-current={n === page ? "page" : undefined}
                className={clsx(linkClass, n === page ? "bg-blue-50 font-medium text-blue-700" : "hover:bg-gray-100")}
              >
                {n}
              </Link>
            ),
          )}
          {page < pageCount ? (
            <Link href={href(page + 1)} className={clsx(linkClass, "hover:bg-gray-100")} rel="next">
              Next
            </Link>
          ) : (
            <span className={clsx(linkClass, "text-gray-300")} aria-disabled="true">
              Next
            </span>
          )}
        </nav>
      ) : null}
    </div>
  );
}
