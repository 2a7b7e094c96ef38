"use client";
// Archive a plan: asks first; the server refuses (CONFLICT) while clients are on it,
// and its message says so next to the button.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@/trpc/react";
import { PLAN_CARD_DANGER } from "./plan-action-styles";

export function ArchivePlanButton({ planKey, planName }: { planKey: string; planName: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const archive = useMutation(trpc.plans.archive.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <div className="flex flex-col items-start gap-1">
      <button
        type="button"
        disabled={archive.isPending}
        className={PLAN_CARD_DANGER}
        onClick={() => {
          if (
            window.confirm(
              `Archive the plan ${planName}? It stays on record for its history, but no client can be moved to it any more.`,
            )
          ) {
            archive.mutate({ key: planKey });
          }
        }}
      >
        {archive.isPending ? "Archiving…" : "Archive"}
      </button>
      {archive.error ? (
        <p role="alert" data-testid="archive-error" className="text-xs text-red-600">
          {archive.error.message}
        </p>
      ) : null}
    </div>
  );
}
