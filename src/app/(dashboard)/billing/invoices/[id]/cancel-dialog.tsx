"use client";
// Cancels an unpaid invoice, with a reason; reviewed before it is done.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formatAmount } from "@/components/display-format";
import { useTRPC } from "@/trpc/react";
import {
  BILLING_DESTRUCTIVE_BUTTON,
  BILLING_SECONDARY_BUTTON,
} from "@/components/action-styles";
import { ActionDialog, FieldError, ServerError } from "@/components/action-dialog";
import { type TActionInvoice } from "./invoice-dialog-types";
import { describeError, WIDE_INPUT, Field, DialogButtons } from "@/components/dialog-parts";

export function CancelDialog({ invoice, onClose }: { invoice: TActionInvoice; onClose: () => void }) {
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
          <span className="font-medium tabular-nums text-gray-900">{formatAmount(invoice.total, invoice.currency)}</span>. This is final: a
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
