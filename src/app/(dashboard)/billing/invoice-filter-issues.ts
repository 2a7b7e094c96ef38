// billing.invoices' input errors in the filter form's words: "Total from must not be
// above the maximum", not a zod issue path.
import type { ZodError } from "zod";

const FIELD_LABEL: Record<string, string> = {
  status: "Status",
  period: "Period",
  clientId: "Client",
  minTotal: "Total from",
  maxTotal: "Total up to",
  search: "Search",
  page: "Page",
};

export function describeFilterIssues(error: ZodError | undefined): string[] {
  if (!error) return ["The server refused these filters."];
  return error.issues.map((issue) => {
    const field = String(issue.path[0] ?? "");
    return `${FIELD_LABEL[field] ?? field} ${issue.message}`.trim();
  });
}
