// The invoices list's filters as URL parameters (?status=&period=&clientId=&minTotal=
// &maxTotal=&search=), named like billing.invoices' input. Junk in a hand-edited URL is
// dropped where it can only be junk (period, client id); amounts go to the server as
// typed, so "min above max" comes back as its message instead of a silently wider list.
import { z } from "zod";
import { INVOICE_STATUS_FILTERS } from "@/server/billing/list-invoices";
import { ZPeriod } from "@/server/usage/period";
import { readChoice, readParam, type TSearchParams } from "@/components/url-params";

export type TInvoiceFilterParams = {
  status?: (typeof INVOICE_STATUS_FILTERS)[number];
  period?: string;
  clientId?: string;
  minTotal?: string;
  maxTotal?: string;
  search?: string;
};

export const INVOICE_FILTER_NAMES = ["status", "period", "clientId", "minTotal", "maxTotal", "search"] as const;

export function readInvoiceFilters(params: TSearchParams): TInvoiceFilterParams {
  const period = readParam(params, "period", 7);
  const clientId = readParam(params, "clientId", 36);
  return {
    status: readChoice(params, "status", INVOICE_STATUS_FILTERS),
    period: period && ZPeriod.safeParse(period).success ? period : undefined,
    clientId: clientId && z.uuid().safeParse(clientId).success ? clientId : undefined,
    minTotal: readParam(params, "minTotal", 20),
    maxTotal: readParam(params, "maxTotal", 20),
    search: readParam(params, "search", 100),
  };
}

export function hasInvoiceFilters(filters: TInvoiceFilterParams): boolean {
  return INVOICE_FILTER_NAMES.some((name) => filters[name] !== undefined);
}

/** "Paid", "Partially refunded". */
export function invoiceStatusLabel(status: string): string {
  const words = status.replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
