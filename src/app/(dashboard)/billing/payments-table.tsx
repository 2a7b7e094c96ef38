// Charges and refunds, as the billing page's history and an invoice's payment list
// show them. A refund's amount is shown negative: money going back to the client.
import Link from "next/link";
import { Badge, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import { formatAmount, formatDate } from "@/components/display-format";
import { invoiceHref } from "./invoice-links";

type TPaymentRow = {
  id: string;
  provider: string;
  providerPaymentId: string | null;
  kind: "charge" | "refund";
  status: "pending" | "processing" | "succeeded" | "failed";
  amount: string;
  /** False: not counted in the invoice's amounts (a duplicate charge, or its refund). */
  applied: boolean;
  currency: string;
  reference: string | null;
  failureReason: string | null;
  createdBy: string | null;
  createdAt: Date;
  /** On the billing page's history only. */
  invoiceId?: string;
  invoiceNumber?: string;
  clientName?: string;
};

const timeFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
/** "09:39 UTC": the date sits above it. */
function formatTime(date: Date): string {
  return timeFormat.format(date);
}

const PAYMENT_STATUS_COLOR = { pending: "blue", processing: "amber", succeeded: "emerald", failed: "red" } as const;

export function PaymentStatusBadge({ status }: { status: TPaymentRow["status"] }) {
  return (
    <Badge color={PAYMENT_STATUS_COLOR[status]} size="xs" data-testid="payment-status">
      {status}
    </Badge>
  );
}

const PROVIDER_LABEL: Record<string, string> = { manual: "Bank transfer", stripe: "Stripe" };

export function PaymentsTable({ payments, providerLabels = {}, showInvoice }: { payments: TPaymentRow[]; providerLabels?: Record<string, string>; showInvoice: boolean }) {
  return (
    <Table data-testid="payments">
      <TableHead>
        <TableRow>
          <TableHeaderCell>Date</TableHeaderCell>
          {showInvoice ? <TableHeaderCell>Invoice</TableHeaderCell> : null}
          <TableHeaderCell>Payment</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell className="text-right">Amount</TableHeaderCell>
          <TableHeaderCell>Reference</TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {payments.map((payment) => (
          <TableRow key={payment.id} data-testid="payment-row" data-kind={payment.kind}>
            <TableCell className="text-xs">
              {formatDate(payment.createdAt)}
              <span className="block text-gray-400">{formatTime(payment.createdAt)}</span>
            </TableCell>
            {showInvoice ? (
              <TableCell className="max-w-52">
                {payment.invoiceId ? (
                  <Link href={invoiceHref(payment.invoiceId)} className="font-mono text-xs font-medium text-blue-700 hover:underline">
                    {payment.invoiceNumber}
                  </Link>
                ) : null}
                <span className="block truncate text-xs text-gray-500">{payment.clientName}</span>
              </TableCell>
            ) : null}
            <TableCell>
              <span className="capitalize text-gray-900">{payment.kind}</span>
              <span className="block text-xs text-gray-500">{providerLabels[payment.provider] ?? PROVIDER_LABEL[payment.provider] ?? payment.provider}</span>
            </TableCell>
            <TableCell>
              <PaymentStatusBadge status={payment.status} />
              {payment.status === "succeeded" && !payment.applied ? (
                <span className="mt-0.5 block max-w-48 whitespace-normal text-xs text-amber-700" data-testid="payment-not-counted">
                  {payment.kind === "charge" ? "Not counted: the invoice was already paid. Refund it." : "Duplicate given back; the invoice is unchanged."}
                </span>
              ) : null}
              {payment.failureReason ? <span className="mt-0.5 block max-w-48 whitespace-normal text-xs text-red-600">{payment.failureReason}</span> : null}
            </TableCell>
            <TableCell className={`text-right tabular-nums ${payment.kind === "refund" ? "text-violet-700" : ""}`} data-testid="payment-amount">
              {payment.kind === "refund" ? "−" : ""}
              {formatAmount(payment.amount, payment.currency)}
            </TableCell>
            <TableCell className="min-w-40 max-w-60 whitespace-normal text-xs">
              <span className="break-words" data-testid="payment-reference">
                {payment.reference ?? payment.providerPaymentId ?? "—"}
              </span>
              {payment.createdBy ? <span className="block text-gray-400">by {payment.createdBy}</span> : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
