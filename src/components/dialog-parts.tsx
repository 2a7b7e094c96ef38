"use client";
// The parts the action dialogs share: a labelled field, the review-then-confirm steps, and
// the server's refusal in words.
import { type ReactNode } from "react";
import { BILLING_INPUT, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import { ConfirmSummary, ServerError } from "@/components/action-dialog";

export type TMutationError = { message: string; data?: { zodError?: { fieldErrors: Record<string, string[] | undefined> } | null } | null } | null;

/** The server's words: field messages for input errors ("reference: is required"), else the message. */
export function describeError(error: TMutationError): string | null {
  if (!error) return null;
  const fields = Object.entries(error.data?.zodError?.fieldErrors ?? {}).filter(([, messages]) => messages?.length);
  if (fields.length > 0) return fields.map(([field, messages]) => `${field}: ${messages!.join(", ")}`).join("; ");
  return error.message;
}

export const WIDE_INPUT = `${BILLING_INPUT} mt-1 block w-full`;

export function Field({ label, htmlFor, hint, children }: { label: string; htmlFor: string; hint?: ReactNode; children: ReactNode }) {
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

export function DialogButtons({ children }: { children: ReactNode }) {
  return <div className="flex justify-end gap-2 pt-2">{children}</div>;
}

/** The first step of a two-step dialog: cancel, or submit the form to review what will happen. */
export function ReviewButtons({ onCancel }: { onCancel: () => void }) {
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
export function ReviewStep({
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

