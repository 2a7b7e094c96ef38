import Link from "next/link";
import { api } from "@/trpc/server";
import { getSession } from "@/server/auth/auth-options";
import { INVOICE_STATUS_FILTERS, ZListInvoicesInput } from "@/server/billing/list-invoices";
import { recentPeriods } from "@/server/usage/period";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Pagination, hrefWith } from "@/components/pagination";
import { TabLinks } from "@/components/tab-links";
import { readPage, readParam, type TSearchParams } from "@/components/url-params";
import { BILLING_LINK } from "@/components/action-styles";
import { CurrencySwitcher } from "./currency-switcher";
import { describeFilterIssues } from "./invoice-filter-issues";
import { hasInvoiceFilters, invoiceStatusLabel, readInvoiceFilters } from "./invoice-filter-params";
import { InvoiceFilters } from "./invoice-filters";
import { InvoicesTable } from "./invoices-table";
import { OutstandingInvoices } from "./outstanding-invoices";
import { PaymentHistory, paymentsPageHref } from "./payment-history";
import { PaymentProviders } from "./payment-providers";
import { RunBillingButton } from "./run-billing-button";
import { WebhookEvents } from "./webhook-events";
import { RevenueByPlan, RevenueCharts, RevenueKpis, describeWindow } from "./revenue-summary";
import { clockNow } from "@/server/clock";

export const metadata = { title: "Billing" };

/** Open invoices listed in "Outstanding payments". */
const OUTSTANDING_ROWS = 8;

function readPositiveInt(params: TSearchParams, name: string): number {
  const value = readParam(params, name, 9);
  return value && /^[1-9]\d*$/.test(value) ? Number(value) : 1;
}

export default async function BillingPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const params = await searchParams;
  const filters = readInvoiceFilters(params);
  const page = readPage(params);
  const paymentsPage = readPositiveInt(params, "paymentsPage");
  const requestedCurrency = readParam(params, "currency", 3)?.toUpperCase();
  // The same schema the procedure checks: a bad filter (min above max, "abc") is told
  // beside the filters instead of failing the whole page.
  const checked = ZListInvoicesInput.safeParse({ ...filters, page });

  const webhooksFailedOnly = readParam(params, "webhooks", 6) === "failed";
  const [revenue, invoices, open, overdue, payments, providers, webhookEvents, session] = await Promise.all([
    api.billing.revenue({ months: 12 }),
    checked.success ? api.billing.invoices({ ...filters, page }) : null,
    api.billing.invoices({ status: "open", sort: "due", pageSize: OUTSTANDING_ROWS }),
    api.billing.invoices({ status: "overdue", pageSize: 5 }),
    // Filtered to a client (?clientId=), the history is that client's too.
    api.billing.payments({ clientId: filters.clientId, page: paymentsPage, pageSize: 10 }),
    api.billing.providers(),
    api.billing.webhookEvents({ unprocessed: webhooksFailedOnly, pageSize: 10 }),
    getSession(),
  ]);
  const canAct = session?.user.role === "admin";
  const now = clockNow();

  const currencies = revenue.currencies.map((entry) => entry.currency);
  const current = revenue.currencies.find((entry) => entry.currency === requestedCurrency) ?? revenue.currencies[0];
  const window = describeWindow(revenue.from, revenue.to);

  // Every link keeps the other parts of the page as they are.
  const currencyParam = current && current.currency !== currencies[0] ? current.currency : undefined;
  const listParams = { ...filters, currency: currencyParam };
  const keptParams = { ...listParams, page: page > 1 ? String(page) : undefined, paymentsPage: paymentsPage > 1 ? String(paymentsPage) : undefined };
  const filtered = hasInvoiceFilters(filters);
  const clearHref = filtered ? hrefWith("/billing", { currency: currencyParam }) : null;

  const providerLabels = Object.fromEntries(providers.map((provider) => [provider.name, provider.label]));

  return (
    <div>
      <PageHeader
        title="Billing"
        description={
          <>
            {current ? `Revenue in ${current.currency} for ${window}; invoices and payments of all clients.` : "Invoices and payments of all clients."}
            {canAct ? null : " Read-only: recording payments and refunds needs the admin role."}
          </>
        }
        actions={
          <div className="flex flex-wrap items-center gap-3">
            <CurrencySwitcher
              currencies={currencies}
              active={current?.currency ?? ""}
              hrefFor={(currency) => hrefWith("/billing", { ...keptParams, currency: currency === currencies[0] ? undefined : currency })}
            />
            {/* The closed months, newest first: only those can be invoiced. */}
            {canAct ? <RunBillingButton periods={recentPeriods(13).slice(0, 12).reverse()} /> : null}
          </div>
        }
      />

      {current ? (
        <>
          <RevenueKpis revenue={current} window={window} />
          <RevenueCharts revenue={current} window={window} />
        </>
      ) : (
        <EmptyState title="No revenue yet">Invoices appear after the first billing run (npm run billing:run).</EmptyState>
      )}

      <div className="mt-6 grid grid-cols-1 items-start gap-4 xl:grid-cols-3">
        <div className="space-y-4">
          {current ? <RevenueByPlan revenue={current} window={window} /> : null}
          <PaymentProviders providers={providers} />
        </div>
        <div className="min-w-0 xl:col-span-2">
          <OutstandingInvoices invoices={open.items} counts={{ overdue: overdue.total, pending: open.total - overdue.total }} now={now} />
        </div>
      </div>

      <section aria-labelledby="invoices-heading" className="mt-10">
        <h2 id="invoices-heading" className="mb-3 text-lg font-semibold text-gray-900">
          Invoices
        </h2>
        <TabLinks
          label="Invoice status"
          active={filters.status ?? "all"}
          tabs={[
            { key: "all", label: "All", href: hrefWith("/billing", { ...listParams, status: undefined }) },
            ...INVOICE_STATUS_FILTERS.map((status) => ({
              key: status,
              label: status === "open" ? "Open" : invoiceStatusLabel(status),
              href: hrefWith("/billing", { ...listParams, status }),
            })),
          ]}
        />
        <InvoiceFilters
          key={[filters.search, filters.period, filters.minTotal, filters.maxTotal].join("|")}
          periods={recentPeriods(24).reverse()}
          search={filters.search ?? ""}
          period={filters.period ?? ""}
          minTotal={filters.minTotal ?? ""}
          maxTotal={filters.maxTotal ?? ""}
          hidden={{ status: filters.status, clientId: filters.clientId, currency: currencyParam }}
          clearHref={clearHref}
        />
        {filters.clientId ? (
          <p className="mb-3 text-sm text-gray-600" data-testid="client-filter">
            Invoices of {invoices?.items[0]?.clientName ?? "one client"} only.{" "}
            <Link href={hrefWith("/billing", { ...listParams, clientId: undefined })} scroll={false} className={BILLING_LINK}>
              All clients
            </Link>
          </p>
        ) : null}

        {!checked.success || !invoices ? (
          <div role="alert" data-testid="filter-error" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
            <p className="font-medium">These filters cannot be applied:</p>
            <ul className="mt-1 list-disc pl-5">
              {describeFilterIssues(checked.error).map((issue) => (
                <li key={issue}>{issue}</li>
              ))}
            </ul>
            {clearHref ? (
              <Link href={clearHref} scroll={false} className={`${BILLING_LINK} mt-2 inline-block`}>
                Clear filters
              </Link>
            ) : null}
          </div>
        ) : invoices.total === 0 ? (
          filtered ? (
            <EmptyState
              title="No invoice matches these filters"
              action={
                <Link href={clearHref ?? "/billing"} scroll={false} className={BILLING_LINK}>
                  Clear filters
                </Link>
              }
            >
              Try another status, period or amount range, or a shorter search.
            </EmptyState>
          ) : (
            <EmptyState title="No invoices yet">Invoices appear after the first billing run (npm run billing:run).</EmptyState>
          )
        ) : invoices.items.length === 0 ? (
          <EmptyState
            title={`Page ${invoices.page} is past the end of the list`}
            action={
              <Link href={hrefWith("/billing", { ...listParams, page: String(invoices.pageCount) })} className={BILLING_LINK}>
                Go to the last page
              </Link>
            }
          />
        ) : (
          <InvoicesTable invoices={invoices.items} canDownload={canAct} />
        )}

        {invoices && invoices.total > 0 ? (
          <Pagination
            basePath="/billing"
            params={{ ...listParams, paymentsPage: keptParams.paymentsPage }}
            page={invoices.page}
            pageCount={invoices.pageCount}
            total={invoices.total}
            pageSize={invoices.pageSize}
            noun="invoices"
          />
        ) : null}
      </section>

      <section aria-label="Payments" className="mt-10">
        <PaymentHistory
          payments={payments}
          providerLabels={providerLabels}
          pageHref={(n) => paymentsPageHref({ ...keptParams }, n)}
          clientName={filters.clientId ? (invoices?.items[0]?.clientName ?? "this client") : undefined}
        />
      </section>

      <section aria-label="Provider webhooks" className="mt-10">
        <WebhookEvents
          events={webhookEvents}
          failedOnly={webhooksFailedOnly}
          canAct={canAct}
          toggleHref={hrefWith("/billing", { ...keptParams, webhooks: webhooksFailedOnly ? undefined : "failed" })}
        />
      </section>
    </div>
  );
}
