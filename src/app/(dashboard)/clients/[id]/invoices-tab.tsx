import Link from "next/link";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import type { TClientDetail } from "@/server/clients/get-client";
import { formatAmount, formatDate, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { InvoiceStatusBadge } from "@/components/status-badges";
import { invoiceHref } from "../../billing/invoice-links";

export function InvoicesTab({ client }: { client: TClientDetail }) {
  if (client.invoices.length === 0) {
    return <EmptyState title="No invoices yet — invoices appear after the first billing run" />;
  }
  return (
    <Card className="p-0" data-testid="client-invoices">
      <Table>
        <TableHead>
          <TableRow>
            <TableHeaderCell>Number</TableHeaderCell>
            <TableHeaderCell>Period</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className="text-right">Total</TableHeaderCell>
            <TableHeaderCell>Due</TableHeaderCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {client.invoices.map((invoice) => (
            <TableRow key={invoice.id} data-testid="invoice-row">
              <TableCell className="font-mono text-xs">
                <Link href={invoiceHref(invoice.id)} className="text-blue-700 hover:underline">
                  {invoice.number}
                </Link>
              </TableCell>
              <TableCell>{formatPeriod(invoice.period)}</TableCell>
              <TableCell>
                <InvoiceStatusBadge status={invoice.status} />
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatAmount(invoice.total, invoice.currency)}</TableCell>
              <TableCell>{formatDate(invoice.dueAt)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <div className="border-t border-gray-100 px-6 py-3 text-sm">
        <Link href={`/billing?clientId=${client.id}`} className="font-medium text-blue-600 hover:underline">
          All invoices and payments of {client.name} in Billing
        </Link>
      </div>
    </Card>
  );
}
