// The billing router's answers as the pages receive them (the router's output schemas).
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type TBillingOutputs = inferRouterOutputs<AppRouter>["billing"];
type TBillingInputs = inferRouterInputs<AppRouter>["billing"];

export type TInvoiceList = TBillingOutputs["invoices"];
export type TInvoiceListItem = TInvoiceList["items"][number];
export type TInvoiceFilters = Omit<NonNullable<TBillingInputs["invoices"]>, "page" | "pageSize">;
export type TInvoiceDetail = TBillingOutputs["invoice"];
export type TInvoicePayment = TInvoiceDetail["payments"][number];
export type TPaymentList = TBillingOutputs["payments"];
export type TPaymentProviderStatus = TBillingOutputs["providers"][number];
export type TRevenue = TBillingOutputs["revenue"];
export type TCurrencyRevenue = TRevenue["currencies"][number];
