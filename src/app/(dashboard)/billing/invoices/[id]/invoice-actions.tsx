"use client";
// What an admin does with one invoice: record a bank transfer, charge it through a
// provider, refund part or all of it, cancel it. Each dialog shows what will happen
// before anything changes; the server's refusal (CONFLICT, BAD_REQUEST, provider not
// configured...) is shown inside the dialog, and a success refreshes the page's data.
// The server checks every rule again; the UI only offers what the status allows.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { formatDate, formatMoney } from "@/components/display-format";
import { useTRPC } from "@/trpc/react";
import {
  BILLING_DANGER_BUTTON,
  BILLING_DESTRUCTIVE_BUTTON,
  BILLING_INPUT,
  BILLING_PRIMARY_BUTTON,
  BILLING_SECONDARY_BUTTON,
} from "../../billing-action-styles";
import { allowedInvoiceActions, balanceDue, exceeds, isPositive, readMoneyInput, refundableAmount } from "../../invoice-balance";
import { ActionDialog, ConfirmSummary, FieldError, ServerError } from "@/components/action-dialog";
import type { TInvoiceDetail } from "../../billing-types";

type TActionInvoice = {
  id: string;
  number: string;
  clientName: string;
  status: string;
  currency: string;
  total: string;
  amountPaid: string;
  amountRefunded: string;
  /** Refunds accepted by the provider, not final yet. */
  amountRefundPending: string;
  /** Succeeded charges, newest first, with what each can still refund. */
  refundableCharges: TRefundableCharge[];
};

type TRefundableCharge = TInvoiceDetail["refundableCharges"][number];

type TChargeProvider = {
  name: string;
  label: string;
  /** The client's account at this provider, when one is set on the client's page. */
  account: { customerId: string; paymentMethodId: string | null; paymentMethodLabel: string | null } | null;
};

type TMutationError = { message: string; data?: { zodError?: { fieldErrors: Record<string, string[] | undefined> } | null } | null } | null;

/** The server's words: field messages for input errors ("reference: is required"), else the message. */
function describeError(error: TMutationError): string | null {
  if (!error) return null;
  const fields = Object.entries(error.data?.zodError?.fieldErrors ?? {}).filter(([, messages]) => messages?.length);
  if (fields.length > 0) return fields.map(([field, messages]) => `${field}: ${messages!.join(", ")}`).join("; ");
  return error.message;
}

const WIDE_INPUT = `${BILLING_INPUT} mt-1 block w-full`;

function Field({ label, htmlFor, hint, children }: { label: string; htmlFor: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <div>
      <label htmlFor={htmlFor} className="text-sm font-medium text-gray-700">
        {label}
      </label>
      {children}
      {hint ? <span className="mt-1 block text-xs text-gray-500">{hint}</span> : null}
    </div>
  );
}

function DialogButtons({ children }: { children: ReactNode }) {
  return <div className="flex justify-end gap-2 pt-2">{children}</div>;
}

/** Today in UTC as YYYY-MM-DD: the dashboard shows dates in UTC. */
/** The first step of a two-step dialog: cancel, or submit the form to review what will happen. */
function ReviewButtons({ onCancel }: { onCancel: () => void }) {
  return (
    <DialogButtons>
      <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className={BILLING_PRIMARY_BUTTON}>
        Review
      </button>
    </DialogButtons>
  );
}

/** The second step of a two-step dialog: what will happen, the server's refusal if any, back or confirm. */
function ReviewStep({
  rows,
  error,
  pending,
  onBack,
  confirm,
}: {
  rows: { label: string; value: ReactNode }[];
  error: string | null;
  pending: boolean;
  onBack: () => void;
  confirm: { label: string; pendingLabel: string; className: string; onClick: () => void };
}) {
  return (
    <div className="space-y-4">
      <ConfirmSummary rows={rows} />
      <ServerError message={error} />
      <DialogButtons>
        <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={onBack} disabled={pending}>
          Back
        </button>
        <button type="button" className={confirm.className} onClick={confirm.onClick} disabled={pending}>
          {pending ? confirm.pendingLabel : confirm.label}
        </button>
      </DialogButtons>
    </div>
  );
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function MarkPaidDialog({ invoice, onClose }: { invoice: TActionInvoice; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const due = balanceDue(invoice);
  const today = todayUtc();
  const [step, setStep] = useState<"form" | "confirm">("form");
  const [reference, setReference] = useState("");
  const [amountText, setAmountText] = useState(due);
  const [receivedOn, setReceivedOn] = useState(today);
  const [errors, setErrors] = useState<{ reference?: string; amount?: string; receivedOn?: string }>({});
  const markPaid = useMutation(
    trpc.billing.markPaid.mutationOptions({
      onSuccess: () => {
        onClose();
        router.refresh();
      },
    }),
  );
  const money = (value: string) => formatMoney(value, invoice.currency, 2);
  const amount = readMoneyInput(amountText);

  function review(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: typeof errors = {};
    if (reference.trim() === "") found.reference = "Enter the transfer's reference from the bank statement.";
    if (!amount || !isPositive(amount)) found.amount = "Enter an amount like 120.00.";
    else if (exceeds(amount, due)) found.amount = `At most ${money(due)} is due.`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(receivedOn)) found.receivedOn = "Pick the day the money arrived.";
    else if (receivedOn > today) found.receivedOn = "The transfer cannot arrive in the future.";
    setErrors(found);
    if (Object.keys(found).length === 0) setStep("confirm");
  }

  function submit() {
    if (!amount) return;
    markPaid.mutate({
      invoiceId: invoice.id,
      reference: reference.trim(),
      amount,
      // Today: the server's clock (now); an earlier day: its start, UTC.
      receivedAt: receivedOn === today ? undefined : new Date(`${receivedOn}T00:00:00.000Z`),
    });
  }

  const settles = amount !== null && !exceeds(due, amount);
  const remaining = amount ? balanceDue({ total: due, amountPaid: amount }) : due;

  return (
    <ActionDialog
      title={step === "form" ? "Mark paid" : "Record this payment?"}
      description={
        <>
          A bank transfer for <span className="font-mono">{invoice.number}</span> ({invoice.clientName}). Balance due:{" "}
          <span className="font-medium tabular-nums text-gray-900">{money(due)}</span>.
        </>
      }
      onClose={onClose}
      testId="mark-paid-dialog"
    >
      {step === "form" ? (
        <form onSubmit={review} noValidate className="space-y-4">
          <Field label="Transfer reference" htmlFor="mark-paid-reference" hint="As it appears on the bank statement.">
            <input
              id="mark-paid-reference"
              value={reference}
              maxLength={200}
              onChange={(event) => setReference(event.target.value)}
              placeholder="e.g. SEPA 2025-11-04 INV-2025-000123"
              className={WIDE_INPUT}
              aria-invalid={errors.reference ? true : undefined}
            />
            <FieldError message={errors.reference} />
          </Field>
          <Field label={`Amount received (${invoice.currency})`} htmlFor="mark-paid-amount" hint="Less than the balance leaves the invoice open.">
            <input
              id="mark-paid-amount"
              value={amountText}
              inputMode="decimal"
              onChange={(event) => setAmountText(event.target.value)}
              className={`${WIDE_INPUT} text-right tabular-nums`}
              aria-invalid={errors.amount ? true : undefined}
            />
            <FieldError message={errors.amount} />
          </Field>
          <Field label="Received on (UTC)" htmlFor="mark-paid-received">
            <input
              id="mark-paid-received"
              type="date"
              value={receivedOn}
              max={today}
              onChange={(event) => setReceivedOn(event.target.value)}
              className={WIDE_INPUT}
              aria-invalid={errors.receivedOn ? true : undefined}
            />
            <FieldError message={errors.receivedOn} />
          </Field>
          <ReviewButtons onCancel={onClose} />
        </form>
      ) : (
        <ReviewStep
          rows={[
            { label: "Invoice", value: <span className="font-mono">{invoice.number}</span> },
            { label: "Amount", value: <span className="font-semibold tabular-nums">{money(amount ?? "0")} {invoice.currency}</span> },
            { label: "Reference", value: reference.trim() },
            { label: "Received", value: receivedOn === today ? "today" : formatDate(new Date(`${receivedOn}T00:00:00.000Z`)) },
            {
              label: "Afterwards",
              value: settles ? (
                <span className="font-medium text-emerald-700">the invoice is paid</span>
              ) : (
                <span>
                  it stays {invoice.status}, {money(remaining)} still due
                </span>
              ),
            },
          ]}
          error={describeError(markPaid.error)}
          pending={markPaid.isPending}
          onBack={() => (markPaid.reset(), setStep("form"))}
          confirm={{ label: "Record payment", pendingLabel: "Recording…", className: BILLING_PRIMARY_BUTTON, onClick: submit }}
        />
      )}
    </ActionDialog>
  );
}

type TChargeResult = {
  outcome: "applied" | "already_recorded" | "not_applied" | "not_final";
  payment: { status: string; failureReason: string | null };
  invoice: { status: string };
};

/** What a charge that did not simply pay the invoice means for the admin; null when it did. */
function describeChargeOutcome({ outcome, payment, invoice }: TChargeResult): string | null {
  switch (outcome) {
    case "applied":
      return null;
    case "already_recorded":
      return "This charge had already been recorded; nothing was charged twice.";
    case "not_applied":
      return `The charge succeeded, but the invoice had been paid another way meanwhile: the payment is recorded, not counted. Refund the duplicate.`;
    case "not_final":
      return payment.status === "failed"
        ? `The charge failed: ${(payment.failureReason ?? "no reason given").replace(/\.$/, "")}. The invoice is still ${invoice.status}.`
        : "The provider is still processing the charge. The invoice is updated when it confirms (webhook).";
  }
}

function ChargeDialog({ invoice, provider, onClose }: { invoice: TActionInvoice; provider: TChargeProvider; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const due = balanceDue(invoice);
  const [paymentMethod, setPaymentMethod] = useState("");
  const charge = useMutation(
    trpc.billing.charge.mutationOptions({
      onSuccess: (result) => {
        if (result.outcome === "applied") onClose();
        router.refresh();
      },
    }),
  );
  const money = (value: string) => formatMoney(value, invoice.currency, 2);
  const result = charge.data;
  const outcome = result ? describeChargeOutcome(result) : null;

  // The client's saved card is charged unless the admin names another one.
  const savedMethod = provider.account?.paymentMethodId ?? null;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!paymentMethod.trim() && !savedMethod) return;
    charge.mutate({ invoiceId: invoice.id, provider: provider.name, paymentMethod: paymentMethod.trim() || undefined });
  }

  return (
    <ActionDialog
      title={`Charge via ${provider.label}`}
      description={
        <>
          Charges the balance due of <span className="font-mono">{invoice.number}</span> ({invoice.clientName}) now.
        </>
      }
      onClose={onClose}
      testId="charge-dialog"
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <ConfirmSummary
          rows={[
            { label: "Invoice", value: <span className="font-mono">{invoice.number}</span> },
            { label: "Amount", value: <span className="font-semibold tabular-nums">{money(due)} {invoice.currency}</span> },
            { label: "Through", value: provider.label },
            ...(provider.account ? [{ label: "Customer", value: <span className="font-mono text-xs">{provider.account.customerId}</span> }] : []),
          ]}
        />
        <Field
          label={savedMethod ? "Another payment method (optional)" : "Payment method"}
          htmlFor="charge-payment-method"
          hint={
            savedMethod ? (
              <span data-testid="charge-saved-method">
                Empty: the client&apos;s saved {provider.account?.paymentMethodLabel ?? "payment method"} ({savedMethod}).
              </span>
            ) : (
              "The client has no saved payment method here: give one (pm_…), or save one on the client's page."
            )
          }
        >
          <input
            id="charge-payment-method"
            required={!savedMethod}
            placeholder={savedMethod ?? "pm_…"}
            value={paymentMethod}
            onChange={(event) => setPaymentMethod(event.target.value)}
            className={WIDE_INPUT}
            disabled={charge.isPending || result !== undefined}
          />
        </Field>
        {outcome ? (
          <p role="status" data-testid="charge-outcome" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {outcome}
          </p>
        ) : null}
        <ServerError message={describeError(charge.error)} />
        <DialogButtons>
          <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={onClose} disabled={charge.isPending}>
            {result ? "Close" : "Cancel"}
          </button>
          {result ? null : (
            <button type="submit" className={BILLING_PRIMARY_BUTTON} disabled={charge.isPending}>
              {charge.isPending ? "Charging…" : `Charge ${money(due)}`}
            </button>
          )}
        </DialogButtons>
      </form>
    </ActionDialog>
  );
}

function describeCharge(charge: TRefundableCharge, money: (value: string) => string): string {
  const duplicate = charge.applied ? "" : " (paid twice, not counted)";
  return `${charge.providerLabel} ${charge.label}${duplicate}, ${formatDate(charge.createdAt)}: ${money(charge.refundable)} refundable`;
}

function RefundDialog({ invoice, onClose }: { invoice: TActionInvoice; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const refundable = refundableAmount(invoice);
  // A refund goes back through one charge, never more than is left of it (refund-source.ts).
  const charges = invoice.refundableCharges.filter((charge) => isPositive(charge.refundable));
  const [step, setStep] = useState<"form" | "confirm">("form");
  const [amountText, setAmountText] = useState("");
  const [reason, setReason] = useState("");
  /** "" = the newest payment that covers the amount (the server's default). */
  const [source, setSource] = useState("");
  const [errors, setErrors] = useState<{ amount?: string; reason?: string }>({});
  const refund = useMutation(
    trpc.billing.refund.mutationOptions({
      onSuccess: () => {
        onClose();
        router.refresh();
      },
    }),
  );
  const money = (value: string) => formatMoney(value, invoice.currency, 2);
  const amount = readMoneyInput(amountText);
  // With one payment left there is nothing to choose: it is the one.
  const chosen = charges.find((charge) => charge.id === source) ?? (charges.length === 1 ? charges[0] : undefined);
  // What the server will take when none is chosen: the newest counted payment that covers the amount.
  const covering = amount ? charges.find((charge) => charge.applied && !exceeds(amount, charge.refundable)) : undefined;
  const from = chosen ?? covering;
  // Giving back a duplicate leaves the invoice's amounts (and its status) as they are.
  const duplicate = chosen !== undefined && !chosen.applied;

  function review(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found: typeof errors = {};
    if (!amount || !isPositive(amount)) found.amount = "Enter an amount like 5.00.";
    else if (!duplicate && exceeds(amount, refundable)) {
      const pending = isPositive(invoice.amountRefundPending) ? `, ${money(invoice.amountRefundPending)} on its way back` : "";
      found.amount = `At most ${money(refundable)} can be refunded: ${money(invoice.amountPaid)} paid, ${money(invoice.amountRefunded)} refunded already${pending}.`;
    }
    else if (chosen && exceeds(amount, chosen.refundable)) found.amount = `At most ${money(chosen.refundable)} is left of this payment.`;
    else if (!chosen && charges.length > 1 && !covering) found.amount = "No single payment covers this amount: refund from each payment separately (choose it below).";
    if (reason.trim() === "") found.reason = "Say why: it goes into the audit log.";
    setErrors(found);
    if (Object.keys(found).length === 0) setStep("confirm");
  }

  const full = amount !== null && !exceeds(refundable, amount);

  return (
    <ActionDialog
      title={step === "form" ? "Refund" : `Refund ${money(amount ?? "0")}?`}
      description={
        <>
          Money back to {invoice.clientName} for <span className="font-mono">{invoice.number}</span>, through the provider that took it.
          Refundable: <span className="font-medium tabular-nums text-gray-900">{money(refundable)}</span>.
        </>
      }
      onClose={onClose}
      testId="refund-dialog"
    >
      {step === "form" ? (
        <form onSubmit={review} noValidate className="space-y-4">
          <Field label={`Amount to refund (${invoice.currency})`} htmlFor="refund-amount" hint={`Up to ${money(refundable)}.`}>
            <input
              id="refund-amount"
              value={amountText}
              inputMode="decimal"
              placeholder={refundable}
              onChange={(event) => setAmountText(event.target.value)}
              className={`${WIDE_INPUT} text-right tabular-nums`}
              aria-invalid={errors.amount ? true : undefined}
            />
            <FieldError message={errors.amount} />
          </Field>
          {charges.length > 1 ? (
            <Field label="Refund from" htmlFor="refund-source" hint="Money goes back the way it came: a card refund through Stripe, a bank transfer by you.">
              <select id="refund-source" value={source} onChange={(event) => setSource(event.target.value)} className={WIDE_INPUT}>
                <option value="">The newest payment that covers the amount</option>
                {charges.map((charge) => (
                  <option key={charge.id} value={charge.id}>
                    {describeCharge(charge, money)}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <Field label="Reason" htmlFor="refund-reason">
            <textarea
              id="refund-reason"
              rows={2}
              maxLength={500}
              value={reason}
              placeholder="e.g. Goodwill credit for the outage on 3 Nov"
              onChange={(event) => setReason(event.target.value)}
              className={WIDE_INPUT}
              aria-invalid={errors.reason ? true : undefined}
            />
            <FieldError message={errors.reason} />
          </Field>
          <ReviewButtons onCancel={onClose} />
        </form>
      ) : (
        <ReviewStep
          rows={[
            { label: "Invoice", value: <span className="font-mono">{invoice.number}</span> },
            { label: "Refund", value: <span className="font-semibold tabular-nums">{money(amount ?? "0")} {invoice.currency}</span> },
            ...(from ? [{ label: "From", value: describeCharge(from, money) }] : []),
            { label: "Reason", value: reason.trim() },
            {
              label: "Afterwards",
              value: duplicate ? "the duplicate is given back; the invoice is unchanged" : full ? "the invoice is refunded" : "the invoice is partially refunded",
            },
          ]}
          error={describeError(refund.error)}
          pending={refund.isPending}
          onBack={() => (refund.reset(), setStep("form"))}
          confirm={{
            label: `Refund ${money(amount ?? "0")}`,
            pendingLabel: "Refunding…",
            className: BILLING_DESTRUCTIVE_BUTTON,
            onClick: () => amount && refund.mutate({ invoiceId: invoice.id, amount, reason: reason.trim(), paymentId: chosen?.id }),
          }}
        />
      )}
    </ActionDialog>
  );
}

function CancelDialog({ invoice, onClose }: { invoice: TActionInvoice; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const cancel = useMutation(
    trpc.billing.cancel.mutationOptions({
      onSuccess: () => {
        onClose();
        router.refresh();
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (reason.trim() === "") {
      setReasonError("Say why: it goes into the audit log.");
      return;
    }
    setReasonError(null);
    cancel.mutate({ invoiceId: invoice.id, reason: reason.trim() });
  }

  return (
    <ActionDialog
      title={`Cancel ${invoice.number}?`}
      description={
        <>
          {invoice.clientName} will no longer owe{" "}
          <span className="font-medium tabular-nums text-gray-900">{formatMoney(invoice.total, invoice.currency, 2)}</span>. This is final: a
          cancelled invoice cannot be paid or reopened; it stays on record.
        </>
      }
      onClose={onClose}
      testId="cancel-dialog"
    >
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <Field label="Reason" htmlFor="cancel-reason">
          <textarea
            id="cancel-reason"
            rows={2}
            maxLength={500}
            value={reason}
            placeholder="e.g. Issued to the wrong client"
            onChange={(event) => setReason(event.target.value)}
            className={WIDE_INPUT}
            aria-invalid={reasonError ? true : undefined}
          />
          <FieldError message={reasonError} />
        </Field>
        <ServerError message={describeError(cancel.error)} />
        <DialogButtons>
          <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={onClose} disabled={cancel.isPending}>
            Keep invoice
          </button>
          <button type="submit" className={BILLING_DESTRUCTIVE_BUTTON} disabled={cancel.isPending}>
            {cancel.isPending ? "Cancelling…" : "Cancel invoice"}
          </button>
        </DialogButtons>
      </form>
    </ActionDialog>
  );
}

type TOpenDialog = { kind: "markPaid" } | { kind: "charge"; provider: TChargeProvider } | { kind: "refund" } | { kind: "cancel" };

export function InvoiceActions({ invoice, chargeProviders, pdfHref }: { invoice: TActionInvoice; chargeProviders: TChargeProvider[]; pdfHref: string }) {
  const [open, setOpen] = useState<TOpenDialog | null>(null);
  const allowed = allowedInvoiceActions(invoice);
  const close = () => setOpen(null);
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="invoice-actions">
      {allowed.markPaid ? (
        <button type="button" className={BILLING_PRIMARY_BUTTON} onClick={() => setOpen({ kind: "markPaid" })}>
          Mark paid
        </button>
      ) : null}
      {allowed.charge
        ? chargeProviders.map((provider) => (
            <button key={provider.name} type="button" className={BILLING_SECONDARY_BUTTON} onClick={() => setOpen({ kind: "charge", provider })}>
              Charge via {provider.label}
            </button>
          ))
        : null}
      {allowed.refund ? (
        <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={() => setOpen({ kind: "refund" })}>
          Refund
        </button>
      ) : null}
      {allowed.cancel ? (
        <button type="button" className={BILLING_DANGER_BUTTON} onClick={() => setOpen({ kind: "cancel" })}>
          Cancel invoice
        </button>
      ) : null}
      <a href={pdfHref} download className={BILLING_SECONDARY_BUTTON}>
        Download PDF
      </a>

      {open?.kind === "markPaid" ? <MarkPaidDialog invoice={invoice} onClose={close} /> : null}
      {open?.kind === "charge" ? <ChargeDialog invoice={invoice} provider={open.provider} onClose={close} /> : null}
      {open?.kind === "refund" ? <RefundDialog invoice={invoice} onClose={close} /> : null}
      {open?.kind === "cancel" ? <CancelDialog invoice={invoice} onClose={close} /> : null}
    </div>
  );
}
