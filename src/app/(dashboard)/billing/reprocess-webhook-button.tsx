"use client";
// Applies a stored webhook that failed or was unmatched, once its cause is fixed (an admin
// action). One that still names an object we do not have stays unmatched: said here.
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { BILLING_SECONDARY_BUTTON } from "@/components/action-styles";

export function ReprocessWebhookButton({ id, eventId }: { id: string; eventId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const reprocess = useMutation(trpc.billing.reprocessWebhookEvent.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        className={BILLING_SECONDARY_BUTTON}
        disabled={reprocess.isPending}
        onClick={() => {
          if (window.confirm(`Apply event ${eventId} again from its stored payload?`)) reprocess.mutate({ id });
        }}
      >
        {reprocess.isPending ? "Reprocessing…" : "Reprocess"}
      </button>
      {reprocess.data?.status === "unmatched" ? (
        <p role="status" className="max-w-xs text-right text-xs text-amber-800">
          Still unmatched: {reprocess.data.unmatchedReason}
        </p>
      ) : null}
      {reprocess.error ? (
        <p role="alert" className="max-w-xs text-right text-xs text-red-700">
          {reprocess.error.message}
        </p>
      ) : null}
    </div>
  );
}
