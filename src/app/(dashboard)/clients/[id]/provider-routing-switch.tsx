"use client";
// The client's routing switch (Client.routingEnabled). Turning it off asks for a confirmation;
// the change is audited and applies to the next chat request.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ActionDialog, DialogFooter, ServerError } from "@/components/action-dialog";
import { BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import { useTRPC } from "@/trpc/react";

export function ProviderRoutingSwitch({ clientId, enabled, canEdit }: { clientId: string; enabled: boolean; canEdit: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const save = useMutation(
    trpc.clients.setRouting.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        router.refresh();
      },
    }),
  );
  const next = !enabled;
  const close = () => {
    setConfirming(false);
    save.reset();
  };

  return (
    <div className="flex flex-wrap items-center gap-3">
      <button
        type="button"
        role="switch"
        aria-checked={enabled}
        aria-label="Model routing for this client"
        disabled={!canEdit || save.isPending}
        onClick={() => setConfirming(true)}
        data-testid="routing-switch"
        className={`relative inline-flex h-6 w-11 shrink-0 items-center rounded-full transition-colors disabled:cursor-not-allowed ${enabled ? "bg-blue-600" : "bg-gray-300"} ${canEdit ? "" : "opacity-60"}`}
      >
        <span className={`inline-block h-5 w-5 rounded-full bg-white shadow transition-transform ${enabled ? "translate-x-5" : "translate-x-0.5"}`} />
      </button>
      <span className="text-sm text-gray-700" data-testid="routing-state">
        Routing is <strong>{enabled ? "on" : "off"}</strong> for this client{canEdit ? "" : " (admins can change it)"}.
      </span>
      {confirming ? (
        <ActionDialog
          title={next ? "Turn model routing on?" : "Turn model routing off?"}
          description={
            next
              ? "Simple messages may go to a cheaper model when the plan's rules say so. The change is recorded in the audit log."
              : "Every message goes to the primary model (or its fallbacks). The change is recorded in the audit log."
          }
          onClose={close}
          testId="routing-confirm-dialog"
        >
          <ServerError message={save.error ? `Not saved: ${save.error.message}` : null} />
          <DialogFooter
            onCancel={close}
            confirmLabel={next ? "Turn on" : "Turn off"}
            pendingLabel="Saving…"
            pending={save.isPending}
            confirmClassName={BILLING_PRIMARY_BUTTON}
            cancelClassName={BILLING_SECONDARY_BUTTON}
            onConfirm={() => save.mutate({ id: clientId, enabled: next })}
          />
        </ActionDialog>
      ) : null}
    </div>
  );
}
