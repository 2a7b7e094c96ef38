"use client";
// Records a bank transfer that arrived: reference, amount (default: all that is due), date; reviewed before it is saved.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formatAmount, formatDate } from "@/components/display-format";
import { useTRPC } from "@/trpc/react";
import {
  BILLING_PRIMARY_BUTTON,
} from "@/components/action-styles";
import { balanceDue, exceeds, isPositive, readMoneyInput } from "../../invoice-balance";
import { ActionDialog, FieldError } from "@/components/action-dialog";
import { type TActionInvoice } from "./invoice-dialog-types";
import { describeError, WIDE_INPUT, Field, ReviewButtons, ReviewStep } from "@/components/dialog-parts";

/** `today` is the server's (its clock may be pinned by APP_NOW), YYYY-MM-DD in UTC. */
export function MarkPaidDialog({ invoice, today, onClose }: { invoice: TActionInvoice; today: string; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const due = balanceDue(invoice);
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
  const money = (value: string) => formatAmount(value, invoice.currency);
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
