// Money still to collect: open (pending and overdue) invoices, the longest due first.
import Link from "next/link";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { formatAmount, formatDate } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { hrefWith } from "@/components/pagination";
import { InvoiceStatusBadge } from "@/components/status-badges";
import type { TInvoiceListItem } from "./billing-types";
import { balanceDue } from "./invoice-balance";
import { invoiceHref } from "./invoice-links";

const DAY_MS = 24 * 60 * 60 * 1000;

function describeDue(dueAt: Date, now: Date): { text: string; late: boolean } {
  const days = Math.floor((now.getTime() - dueAt.getTime()) / DAY_MS);
  if (days > 0) return { text: `${days} ${days === 1 ? "day" : "days"} late`, late: true };
  if (days === 0) return { text: "due today", late: false };
  return { text: `in ${-days} ${days === -1 ? "day" : "days"}`, late: false };
}

export function OutstandingInvoices({
  invoices,
  counts,
  now,
}: {
  /** Open invoices, sorted by due date, oldest first. */
  invoices: TInvoiceListItem[];
  counts: { overdue: number; pending: number };
  now: Date;
}) {
  const total = counts.overdue + counts.pending;
  return (
    <Card id="outstanding" className="scroll-mt-6 p-0" data-testid="outstanding-invoices">
      <div className="flex flex-wrap items-start justify-between gap-2 px-6 pt-5">
        <div>
          <Title>Outstanding payments</Title>
          <Text>Open invoices, longest due first{total > invoices.length ? ` (the first ${invoices.length} of ${total})` : ""}.</Text>
        </div>
        <div className="flex gap-3 text-sm">
          <Link href={hrefWith("/billing", { status: "overdue" })} scroll={false} className="font-medium text-blue-600 hover:underline">
            {counts.overdue} overdue
          </Link>
          <Link href={hrefWith("/billing", { status: "pending" })} scroll={false} className="font-medium text-blue-600 hover:underline">
            {counts.pending} pending
          </Link>
        </div>
      </div>
      {invoices.length === 0 ? (
        <div className="p-6">
          <EmptyState title="Nothing outstanding">Every issued invoice is paid, refunded or cancelled.</EmptyState>
        </div>
      ) : (
        <Table className="mt-2">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Invoice</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>Due</TableHeaderCell>
              <TableHeaderCell className="text-right">Balance due</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {invoices.map((invoice) => {
              const due = describeDue(invoice.dueAt, now);
              return (
                <TableRow key={invoice.id} data-testid="outstanding-row">
                  <TableCell className="max-w-64">
                    <Link href={invoiceHref(invoice.id)} className="font-mono text-xs font-medium text-blue-700 hover:underline">
                      {invoice.number}
                    </Link>
                    <span className="block truncate text-xs text-gray-500">{invoice.clientName}</span>
                  </TableCell>
                  <TableCell>
                    <InvoiceStatusBadge status={invoice.status} />
                  </TableCell>
                  <TableCell>
                    {formatDate(invoice.dueAt)}
                    <span className={`block text-xs ${due.late ? "text-red-600" : "text-gray-500"}`}>{due.text}</span>
                  </TableCell>
                  <TableCell className="text-right font-medium tabular-nums">{formatAmount(balanceDue(invoice), invoice.currency)}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
