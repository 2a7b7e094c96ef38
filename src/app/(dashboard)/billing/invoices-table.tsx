// The invoices list: one row per invoice, its number linking to the invoice page.
import Link from "next/link";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import { formatAmount, formatDate, formatPeriod } from "@/components/display-format";
import { InvoiceStatusBadge } from "@/components/status-badges";
import type { TInvoiceListItem } from "./billing-types";
import { invoiceHref, invoicePdfHref } from "./invoice-links";

export function InvoicesTable({ invoices, canDownload }: { invoices: TInvoiceListItem[]; canDownload: boolean }) {
  return (
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
            <TableHeaderCell>Due</TableHeaderCell>
            {canDownload ? <TableHeaderCell className="text-right">PDF</TableHeaderCell> : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {invoices.map((invoice) => (
            <TableRow key={invoice.id} data-testid="invoice-row" data-invoice-id={invoice.id} data-period={invoice.period}>
              <TableCell>
                <Link href={invoiceHref(invoice.id)} className="font-mono text-xs font-medium text-blue-700 hover:underline" data-testid="invoice-number">
                  {invoice.number}
                </Link>
              </TableCell>
              <TableCell className="max-w-56 truncate">
                <Link href={`/clients/${invoice.clientId}?tab=invoices`} className="font-medium text-gray-900 hover:text-blue-700">
                  {invoice.clientName}
                </Link>
              </TableCell>
              <TableCell>{formatPeriod(invoice.period)}</TableCell>
              <TableCell>
                <InvoiceStatusBadge status={invoice.status} />
              </TableCell>
              <TableCell className="text-right tabular-nums" data-testid="invoice-total" data-amount={invoice.total}>
                {formatAmount(invoice.total, invoice.currency)}
              </TableCell>
              <TableCell className="text-right tabular-nums">
                {formatAmount(invoice.amountPaid, invoice.currency)}
                {/[1-9]/.test(invoice.amountRefunded) ? (
                  <span className="block text-xs text-violet-700">−{formatAmount(invoice.amountRefunded, invoice.currency)} refunded</span>
                ) : null}
              </TableCell>
              <TableCell>{formatDate(invoice.dueAt)}</TableCell>
              {canDownload ? (
                <TableCell className="text-right">
                  <a
                    href={invoicePdfHref(invoice.id)}
                    download
                    className="text-xs font-medium text-blue-600 hover:underline"
                    aria-label={`Download ${invoice.number} as PDF`}
                  >
                    PDF
                  </a>
                </TableCell>
              ) : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
