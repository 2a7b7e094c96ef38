"use client";
// Sets aside an unmatched webhook that needs nothing (an admin action, audited).
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { BILLING_DANGER_BUTTON } from "@/components/action-styles";

export function DismissWebhookButton({ id, eventId }: { id: string; eventId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const dismiss = useMutation(trpc.billing.dismissWebhookEvent.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        className={BILLING_DANGER_BUTTON}
        disabled={dismiss.isPending}
        onClick={() => {
          if (window.confirm(`Dismiss event ${eventId}? It will never be applied and leaves the events waiting; the audit log keeps who dismissed it.`)) {
            dismiss.mutate({ id });
          }
        }}
      >
        {dismiss.isPending ? "Dismissing…" : "Dismiss"}
      </button>
      {dismiss.error ? (
        <p role="alert" className="max-w-xs text-right text-xs text-red-700">
          {dismiss.error.message}
        </p>
      ) : null}
    </div>
  );
}
