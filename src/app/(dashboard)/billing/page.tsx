import Link from "next/link";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import { api } from "@/trpc/server";
import { INVOICE_STATUSES } from "@/server/billing/list-invoices";
import { formatDate, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Pagination, hrefWith } from "@/components/pagination";
import { InvoiceStatusBadge } from "@/components/status-badges";
import { TabLinks } from "@/components/tab-links";
import { readChoice, readPage, type TSearchParams } from "@/components/url-params";

export const metadata = { title: "Billing" };

export default async function BillingPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const params = await searchParams;
  const status = readChoice(params, "status", INVOICE_STATUSES);
  const page = readPage(params);
  const invoices = await api.billing.invoices({ status, page });

  return (
    <div>
      <PageHeader title="Billing" description="Invoices across all clients, newest first." />
      <TabLinks
        label="Invoice status"
        active={status ?? "all"}
        tabs={[
          { key: "all", label: "All", href: "/billing" },
          ...INVOICE_STATUSES.map((s) => ({
            key: s,
            label: s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, " "),
            href: hrefWith("/billing", { status: s }),
          })),
        ]}
      />

      {invoices.total === 0 ? (
        status ? (
          <EmptyState
            title={`No ${status.replace(/_/g, " ")} invoices`}
            action={
              <Link href="/billing" className="font-medium text-blue-600 hover:underline">
                Show all invoices
              </Link>
            }
          />
        ) : (
          <EmptyState title="No invoices yet — invoices appear after the first billing run" />
        )
      ) : invoices.items.length === 0 ? (
        <EmptyState
          title={`Page ${invoices.page} is past the end of the list`}
          action={
            <Link href={hrefWith("/billing", { status, page: String(invoices.pageCount) })} className="font-medium text-blue-600 hover:underline">
              Go to the last page
            </Link>
          }
        />
      ) : (
        <Card className="p-0">
          <Table data-testid="invoices">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Number</TableHeaderCell>
                <TableHeaderCell>Client</TableHeaderCell>
                <TableHeaderCell>Period</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell className="text-right">Total</TableHeaderCell>
                <TableHeaderCell className="text-right">Paid</TableHeaderCell>
                <TableHeaderCell>Issued</TableHeaderCell>
                <TableHeaderCell>Due</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {invoices.items.map((invoice) => (
                <TableRow key={invoice.id} data-testid="invoice-row">
                  <TableCell className="font-mono text-xs">{invoice.number}</TableCell>
                  <TableCell>
                    <Link href={`/clients/${invoice.clientId}?tab=invoices`} className="font-medium text-gray-900 hover:text-blue-700">
                      {invoice.clientName}
                    </Link>
                  </TableCell>
                  <TableCell>{formatPeriod(invoice.period)}</TableCell>
                  <TableCell>
                    <InvoiceStatusBadge status={invoice.status} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(invoice.total, invoice.currency, 2)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(invoice.amountPaid, invoice.currency, 2)}</TableCell>
                  <TableCell>{formatDate(invoice.issuedAt)}</TableCell>
                  <TableCell>{formatDate(invoice.dueAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}

      {invoices.total > 0 ? (
        <Pagination
          basePath="/billing"
          params={{ status }}
          page={invoices.page}
          pageCount={invoices.pageCount}
          total={invoices.total}
          pageSize={invoices.pageSize}
          noun="invoices"
        />
      ) : null}
    </div>
  );
}
