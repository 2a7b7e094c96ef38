"use client";
// An admin sends a failed message again (pending, due now, a fresh set of attempts).
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/trpc/react";
import { BILLING_SECONDARY_BUTTON } from "@/components/action-styles";

export function ResendNotificationButton({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const resend = useMutation(trpc.alerts.resend.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <div className="flex flex-col items-end gap-1">
      <button type="button" className={BILLING_SECONDARY_BUTTON} disabled={resend.isPending} onClick={() => resend.mutate({ id })} data-testid="outbox-resend">
        {resend.isPending ? "Resending…" : "Resend"}
      </button>
      {resend.error ? (
        <p role="alert" className="max-w-xs whitespace-normal text-right text-xs text-red-700">
          {resend.error.message}
        </p>
      ) : null}
    </div>
  );
}
