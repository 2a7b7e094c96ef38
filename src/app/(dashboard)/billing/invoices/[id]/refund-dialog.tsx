"use client";
// Refunds part or all of a paid invoice from the charge the admin picks, never more than is left of it.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formatAmount, formatDate } from "@/components/display-format";
import { useTRPC } from "@/trpc/react";
import {
  BILLING_DESTRUCTIVE_BUTTON,
} from "@/components/action-styles";
import { exceeds, isPositive, readMoneyInput, refundableAmount } from "../../invoice-balance";
import { ActionDialog, FieldError } from "@/components/action-dialog";
import { type TActionInvoice, type TRefundableCharge } from "./invoice-dialog-types";
import { describeError, WIDE_INPUT, Field, ReviewButtons, ReviewStep } from "@/components/dialog-parts";

function describeCharge(charge: TRefundableCharge, money: (value: string) => string): string {
  const duplicate = charge.applied ? "" : " (paid twice, not counted)";
  return `${charge.providerLabel} ${charge.label}${duplicate}, ${formatDate(charge.createdAt)}: ${money(charge.refundable)} refundable`;
}

export function RefundDialog({ invoice, onClose }: { invoice: TActionInvoice; onClose: () => void }) {
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
  const money = (value: string) => formatAmount(value, invoice.currency);
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
