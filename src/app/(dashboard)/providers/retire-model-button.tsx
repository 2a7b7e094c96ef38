"use client";
// Retire a model (it can no longer be chosen for a client; its prices and recorded calls
// stay) or make it choosable again, after a confirmation.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ActionDialog, ConfirmSummary, DialogFooter, ServerError } from "@/components/action-dialog";
import { BILLING_DANGER_BUTTON, BILLING_DESTRUCTIVE_BUTTON, BILLING_INPUT, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import { useTRPC } from "@/trpc/react";


export function RetireModelButton({ provider, model, retired }: { provider: string; model: string; retired: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const onSuccess = () => {
    setOpen(false);
    setReason("");
    router.refresh();
  };
  const retire = useMutation(trpc.providers.retireModel.mutationOptions({ onSuccess }));
  const unretire = useMutation(trpc.providers.unretireModel.mutationOptions({ onSuccess }));
  const mutation = retired ? unretire : retire;
  const label = `${provider} · ${model}`;
  const close = () => {
    setOpen(false);
    mutation.reset();
  };
  const ref = { provider: provider as "ollama" | "anthropic" | "openai", model };

  return (
    <>
      <button
        type="button"
        className={`${retired ? BILLING_SECONDARY_BUTTON : BILLING_DANGER_BUTTON}`}
        onClick={() => setOpen(true)}
        aria-label={`${retired ? "Unretire" : "Retire"} ${label}`}
      >
        {retired ? "Unretire" : "Retire"}
      </button>
      {open ? (
        // Rendered inside a right-aligned, no-wrap table cell: the dialog sets its own text flow.
        <div className="whitespace-normal text-left">
          <ActionDialog
            title={retired ? `Unretire ${label}?` : `Retire ${label}?`}
            description={
              retired
                ? "Admins can choose it again for a client's primary model or fallback chain."
                : "It can no longer be chosen for a client (primary or fallback). Clients already set to it keep it until changed; recorded calls keep their prices."
            }
            onClose={close}
            testId="retire-model-dialog"
          >
            <div className="space-y-4">
              <ConfirmSummary rows={[{ label: "Model", value: label }, { label: "After", value: retired ? "choosable" : "retired, not choosable" }]} />
              {retired ? null : (
                <label className="block text-sm">
                  <span className="font-medium text-gray-700">Reason (optional, for the audit log)</span>
                  <input className={`${BILLING_INPUT} mt-1 block w-full`} value={reason} maxLength={500} onChange={(event) => setReason(event.target.value)} />
                </label>
              )}
              <ServerError message={mutation.error ? `Not saved: ${mutation.error.message}` : null} />
              <DialogFooter
                onCancel={close}
                confirmLabel={retired ? "Unretire" : "Retire"}
                pendingLabel="Saving…"
                pending={mutation.isPending}
                confirmClassName={retired ? BILLING_PRIMARY_BUTTON : BILLING_DESTRUCTIVE_BUTTON}
                cancelClassName={BILLING_SECONDARY_BUTTON}
                onConfirm={() => (retired ? unretire.mutate(ref) : retire.mutate({ ...ref, reason: reason.trim() === "" ? null : reason.trim() }))}
              />
            </div>
          </ActionDialog>
        </div>
      ) : null}
    </>
  );
}
