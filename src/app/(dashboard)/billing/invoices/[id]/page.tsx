import { clockNow } from "@/server/clock";
import { cache, type ReactNode } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { api } from "@/trpc/server";
import { getSession } from "@/server/auth/auth-options";
import { ZGetInvoiceInput } from "@/server/billing/get-invoice";
import { formatAmount, formatDate, formatPeriod, formatUnitPrice } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { InvoiceStatusBadge } from "@/components/status-badges";
import { BILLING_LINK } from "@/components/action-styles";
import type { TInvoiceDetail } from "../../billing-types";
import { balanceDue } from "../../invoice-balance";
import { invoicePdfHref } from "../../invoice-links";
import { PaymentsTable } from "../../payments-table";
import { InvoiceActions } from "./invoice-actions";

type TPageProps = { params: Promise<{ id: string }> };

const HISTORY_ACTIONS: Record<string, string> = {
  "invoice.issue": "Issued",
  "invoice.mark_paid": "Bank transfer recorded",
  "invoice.cancel": "Cancelled",
  "invoice.payment_succeeded": "Paid through the provider",
  "payment.refund": "Refunded",
  "payment.not_applied": "Payment received for an invoice already paid",
  "payment.duplicate_refund": "Duplicate payment given back",
};

function describeAction(action: string): string {
  return HISTORY_ACTIONS[action] ?? action;
}

function InvoiceHistory({ history }: { history: TInvoiceDetail["history"] }) {
  return (
    <Card data-testid="invoice-history">
      <Title>History</Title>
      {history.length === 0 ? (
        <Text className="mt-2">No recorded changes.</Text>
      ) : (
        <ol className="mt-3 space-y-3 text-sm">
          {history.map((entry, index) => (
            <li key={index} data-testid="history-entry">
              <div className="font-medium text-gray-900">{describeAction(entry.action)}</div>
              <div className="text-xs text-gray-500">
                {formatDate(entry.createdAt)} · {entry.actorEmail ?? "system"}
              </div>
              {entry.reason ? <div className="mt-0.5 break-words text-xs text-gray-600">{entry.reason}</div> : null}
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

/** The invoice, or null when the id names none (or is not an id at all). Shared by metadata and page. */
const loadInvoice = cache(async (id: string) => {
  if (!ZGetInvoiceInput.safeParse({ id }).success) return null;
  try {
    return await api.billing.invoice({ id });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
    throw error;
  }
});

export async function generateMetadata({ params }: TPageProps) {
  const invoice = await loadInvoice((await params).id);
  return { title: invoice ? `Invoice ${invoice.number}` : "Invoice not found" };
}

const dayMonthFormat = new Intl.DateTimeFormat("en-US", { timeZone: "UTC", month: "short", day: "numeric" });
/** "Oct 1 – Oct 31, 2026"; the year twice only when it changes. */
function formatDateRange(start: Date, end: Date): string {
  return start.getUTCFullYear() === end.getUTCFullYear() ? `${dayMonthFormat.format(start)} – ${formatDate(end)}` : `${formatDate(start)} – ${formatDate(end)}`;
}

const LINE_KIND_COLOR = { base: "blue", usage: "indigo", credit: "emerald", proration: "amber" } as const;

const quantityFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 6 });
/** "12345.000000" -> "12,345"; "0.5" stays "0.5" (proration shares). */
function formatQuantity(value: string): string {
  return quantityFormat.format(value as Intl.StringNumericLiteral);
}

function DetailRow({ label, children, strong, testId }: { label: string; children: ReactNode; strong?: boolean; testId?: string }) {
  return (
    <div className={`flex items-baseline justify-between gap-4 py-1.5 ${strong ? "font-semibold text-gray-900" : ""}`}>
      <dt className={`whitespace-nowrap ${strong ? "" : "text-gray-500"}`}>{label}</dt>
      <dd className="text-right tabular-nums" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function Totals({ invoice }: { invoice: TInvoiceDetail }) {
  const money = (value: string) => formatAmount(value, invoice.currency);
  const refunded = /[1-9]/.test(invoice.amountRefunded);
  const open = invoice.status === "pending" || invoice.status === "overdue";
  return (
    <Card data-testid="invoice-totals">
      <Title>Amounts ({invoice.currency})</Title>
      <dl className="mt-3 text-sm">
        <DetailRow label="Subtotal" testId="invoice-subtotal">
          {money(invoice.subtotal)}
        </DetailRow>
        <DetailRow label="Tax" testId="invoice-tax">
          {money(invoice.tax)}
        </DetailRow>
        <div className="border-t border-gray-200">
          <DetailRow label="Total" strong testId="invoice-total">
            {money(invoice.total)}
          </DetailRow>
        </div>
        <DetailRow label="Paid" testId="invoice-paid">
          {money(invoice.amountPaid)}
        </DetailRow>
        <DetailRow label="Refunded" testId="invoice-refunded">
          <span className={refunded ? "text-violet-700" : undefined}>
            {refunded ? "−" : ""}
            {money(invoice.amountRefunded)}
          </span>
        </DetailRow>
        <div className="border-t border-gray-200">
          <DetailRow label={invoice.status === "cancelled" ? "Balance due (cancelled)" : "Balance due"} strong testId="invoice-balance">
            <span className={open && /[1-9]/.test(balanceDue(invoice)) ? (invoice.status === "overdue" ? "text-red-700" : "text-gray-900") : "text-gray-500"}>
              {invoice.status === "cancelled" ? money("0") : money(balanceDue(invoice))}
            </span>
          </DetailRow>
        </div>
      </dl>
    </Card>
  );
}

export default async function InvoicePage({ params }: TPageProps) {
  const { id } = await params;
  const [invoice, session, providers] = await Promise.all([loadInvoice(id), getSession(), api.billing.providers()]);
  if (!invoice) notFound();
  const canAct = session?.user.role === "admin";
  const accounts = canAct ? await api.billing.paymentAccounts({ clientId: invoice.clientId }) : [];
  const chargeProviders = providers
    .filter((provider) => provider.configured && provider.canCharge)
    .map(({ name, label }) => ({ name, label, account: accounts.find((account) => account.provider === name) ?? null }));
  const providerLabels = Object.fromEntries(providers.map((provider) => [provider.name, provider.label]));
  // periodEnd is exclusive (the next period's start): show the last day.
  const lastDay = new Date(invoice.periodEnd.getTime() - 1);

  return (
    <div>
      <Link href="/billing" className="text-sm text-gray-500 hover:text-gray-900">
        ← Billing
      </Link>
      <div className="mb-6 mt-2 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="font-mono text-2xl font-semibold tracking-tight text-gray-900">{invoice.number}</h1>
            <InvoiceStatusBadge status={invoice.status} />
          </div>
          <p className="mt-1 text-sm text-gray-600">
            <Link href={`/clients/${invoice.clientId}?tab=invoices`} className="font-medium text-gray-900 hover:text-blue-700" data-testid="invoice-client">
              {invoice.clientName}
            </Link>{" "}
            · {formatPeriod(invoice.period)} · plan <span className="font-mono text-xs">{invoice.planKey}</span> v{invoice.planVersion}
          </p>
        </div>
        {canAct ? (
          <InvoiceActions
            invoice={{
              id: invoice.id,
              number: invoice.number,
              clientName: invoice.clientName,
              status: invoice.status,
              currency: invoice.currency,
              total: invoice.total,
              amountPaid: invoice.amountPaid,
              amountRefunded: invoice.amountRefunded,
              amountRefundPending: invoice.amountRefundPending,
              refundableCharges: invoice.refundableCharges,
            }}
            chargeProviders={chargeProviders}
            pdfHref={invoicePdfHref(invoice.id)}
            today={clockNow().toISOString().slice(0, 10)}
          />
        ) : (
          <p className="max-w-xs text-sm text-gray-500" data-testid="read-only-hint">
            Read-only: recording payments, refunds and downloading the PDF need the admin role.
          </p>
        )}
      </div>

      <div className="grid grid-cols-1 gap-4 xl:grid-cols-3">
        <div className="min-w-0 space-y-4 xl:col-span-2">
          <Card className="p-0">
            <div className="px-6 pt-5">
              <Title>Line items</Title>
            </div>
            {invoice.lines.length === 0 ? (
              <div className="p-6">
                <EmptyState title="This invoice has no lines" />
              </div>
            ) : (
              <Table className="mt-2" data-testid="invoice-lines">
                <TableHead>
                  <TableRow>
                    <TableHeaderCell>Description</TableHeaderCell>
                    <TableHeaderCell className="text-right">Quantity</TableHeaderCell>
                    <TableHeaderCell className="text-right">Unit price</TableHeaderCell>
                    <TableHeaderCell className="text-right">Amount</TableHeaderCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {invoice.lines.map((line) => (
                    <TableRow key={line.sortOrder} data-testid="invoice-line" data-kind={line.kind}>
                      <TableCell className="whitespace-normal">
                        <div className="flex flex-wrap items-center gap-2">
                          <span className="text-gray-900">{line.description}</span>
                          <Badge size="xs" color={LINE_KIND_COLOR[line.kind]}>
                            {line.kind}
                          </Badge>
                        </div>
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{formatQuantity(line.quantity)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatUnitPrice(line.unitPrice, invoice.currency)}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatAmount(line.amount, invoice.currency)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Card>

          <Card className="p-0" data-testid="invoice-payments">
            <div className="px-6 pt-5">
              <Title>Payments</Title>
              <Text>Charges and refunds on this invoice, oldest first.</Text>
            </div>
            {invoice.payments.length === 0 ? (
              <div className="p-6">
                <EmptyState title={/[1-9]/.test(invoice.total) ? "No payment recorded yet" : "Nothing was due on this invoice"} />
              </div>
            ) : (
              <div className="mt-2">
                <PaymentsTable payments={invoice.payments} providerLabels={providerLabels} showInvoice={false} />
              </div>
            )}
          </Card>
        </div>

        <div className="space-y-4">
          <Totals invoice={invoice} />
          <Card data-testid="invoice-dates">
            <Title>Details</Title>
            <dl className="mt-3 text-sm">
              <DetailRow label="Period">{formatDateRange(invoice.periodStart, lastDay)}</DetailRow>
              <DetailRow label="Issued">{formatDate(invoice.issuedAt)}</DetailRow>
              <DetailRow label="Due">
                <span className={invoice.status === "overdue" ? "font-medium text-red-700" : undefined}>{formatDate(invoice.dueAt)}</span>
              </DetailRow>
              <DetailRow label="Paid" testId="invoice-paid-at">
                {invoice.paidAt ? formatDate(invoice.paidAt) : "—"}
              </DetailRow>
            </dl>
            {invoice.notes ? <p className="mt-3 whitespace-pre-line border-t border-gray-100 pt-3 text-sm text-gray-600">{invoice.notes}</p> : null}
            <Link href={`/billing?clientId=${invoice.clientId}`} className={`${BILLING_LINK} mt-3 inline-block text-sm`}>
              All invoices of {invoice.clientName}
            </Link>
          </Card>
          <InvoiceHistory history={invoice.history} />
        </div>
      </div>
    </div>
  );
}
