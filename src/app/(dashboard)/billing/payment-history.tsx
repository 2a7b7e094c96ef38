// The billing page's payment history: newest first, paged with its own URL parameter
// (?paymentsPage=N) so it pages without moving the invoices list.
import Link from "next/link";
import clsx from "clsx";
import { Card, Title, Text } from "@tremor/react";
import { EmptyState } from "@/components/empty-state";
import { hrefWith } from "@/components/pagination";
import type { TPaymentList } from "./billing-types";
import { PaymentsTable } from "./payments-table";

export function PaymentHistory({
  payments,
  providerLabels,
  pageHref,
  clientName,
}: {
  payments: TPaymentList;
  /** Set when the page is filtered to one client: the history is that client's. */
  clientName?: string;
  providerLabels: Record<string, string>;
  /** The billing page's URL with ?paymentsPage=n (the other parameters kept). */
  pageHref: (page: number) => string;
}) {
  const { page, pageCount, pageSize, total } = payments;
  const first = Math.min(total, (page - 1) * pageSize + 1);
  const last = Math.min(total, page * pageSize);
  const link = "rounded-md px-3 py-1.5 text-sm";
  return (
    <Card className="p-0" data-testid="payment-history">
      <div className="px-6 pt-5">
        <Title>Payment history</Title>
        <Text>Charges and refunds {clientName ? `of ${clientName}` : "across all clients"}, newest first.</Text>
      </div>
      {total === 0 ? (
        <div className="p-6">
          <EmptyState title="No payments yet">Payments appear here when an invoice is paid, charged or refunded.</EmptyState>
        </div>
      ) : payments.items.length === 0 ? (
        <div className="p-6">
          <EmptyState
            title={`Page ${page} is past the end of the history`}
            action={
              <Link href={pageHref(pageCount)} scroll={false} className="font-medium text-blue-600 hover:underline">
                Go to the last page
              </Link>
            }
          />
        </div>
      ) : (
        <>
          <PaymentsTable payments={payments.items} providerLabels={providerLabels} showInvoice />
          <div className="flex items-center justify-between gap-3 border-t border-gray-100 px-6 py-3 text-sm text-gray-600">
            <p data-testid="payments-summary">
              {first}–{last} of {total.toLocaleString("en-US")} payments
            </p>
            {pageCount > 1 ? (
              <nav aria-label="Payment history pages" className="flex items-center gap-1">
                {page > 1 ? (
                  <Link href={pageHref(page - 1)} scroll={false} className={clsx(link, "hover:bg-gray-100")}>
                    Newer
                  </Link>
                ) : (
                  <span className={clsx(link, "text-gray-300")} aria-disabled="true">
                    Newer
                  </span>
                )}
                {page < pageCount ? (
                  <Link href={pageHref(page + 1)} scroll={false} className={clsx(link, "hover:bg-gray-100")}>
                    Older
                  </Link>
                ) : (
                  <span className={clsx(link, "text-gray-300")} aria-disabled="true">
                    Older
                  </span>
                )}
              </nav>
            ) : null}
          </div>
        </>
      )}
    </Card>
  );
}

export function paymentsPageHref(params: Record<string, string | undefined>, page: number): string {
  return hrefWith("/billing", { ...params, paymentsPage: page > 1 ? String(page) : undefined });
}
