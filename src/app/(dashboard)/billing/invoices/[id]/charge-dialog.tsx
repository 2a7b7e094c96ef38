"use client";
// Charges an open invoice through a payment provider, with the client's saved card or a payment method typed in.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formatAmount } from "@/components/display-format";
import { useTRPC } from "@/trpc/react";
import {
  BILLING_PRIMARY_BUTTON,
  BILLING_SECONDARY_BUTTON,
} from "@/components/action-styles";
import { balanceDue } from "../../invoice-balance";
import { ActionDialog, ConfirmSummary, ServerError } from "@/components/action-dialog";
import { type TActionInvoice, type TChargeProvider } from "./invoice-dialog-types";
import { describeError, WIDE_INPUT, Field, DialogButtons } from "@/components/dialog-parts";

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

export function ChargeDialog({ invoice, provider, onClose }: { invoice: TActionInvoice; provider: TChargeProvider; onClose: () => void }) {
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
  const money = (value: string) => formatAmount(value, invoice.currency);
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
