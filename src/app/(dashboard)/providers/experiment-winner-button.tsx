"use client";
// "Pick winner" on a variant's row: a confirmation that says what changes (the experiment
// stops, and the variant becomes the client's provider override and routing switch).
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ActionDialog, ConfirmSummary, DialogFooter, ServerError } from "@/components/action-dialog";
import { BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import { useTRPC } from "@/trpc/react";
import { experimentErrorMessages, type TExperimentError } from "./experiment-errors";

type TVariant = { key: string; provider: string; model: string; routing: boolean };

export function ExperimentWinnerButton({
  experiment,
  variant,
}: {
  experiment: { id: string; name: string; status: string; clientName: string | null };
  variant: TVariant;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const pick = useMutation(
    trpc.experiments.pickWinner.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        router.refresh();
      },
    }),
  );
  const close = () => {
    setOpen(false);
    pick.reset();
  };
  const client = experiment.clientName ?? "the client";
  return (
    <>
      <button
        type="button"
        className="rounded-md border border-gray-300 bg-white px-2 py-1 text-xs font-medium text-gray-700 hover:bg-gray-50"
        onClick={() => setOpen(true)}
        aria-label={`Pick ${variant.key} as the winner`}
      >
        Pick winner
      </button>
      {/* Mounted inside a table cell: the dialog must not inherit its alignment or nowrap. */}
      {open ? (
        <div className="whitespace-normal text-left">
          <ActionDialog
            title={`Make "${variant.key}" the winner?`}
            description={
              <>
                It becomes <strong>{client}</strong>&apos;s provider override: the next chat request is answered by {variant.provider} · {variant.model}
                {experiment.status === "stopped" ? "." : ", and the experiment stops."} Both changes are recorded in the audit log.
              </>
            }
            onClose={close}
            testId="experiment-winner-dialog"
          >
            <div className="space-y-4">
              <ConfirmSummary
                rows={[
                  { label: "Experiment", value: experiment.name },
                  { label: "Client", value: client },
                  { label: "Provider override", value: <strong>{`${variant.provider} · ${variant.model}`}</strong> },
                  { label: "Model routing", value: variant.routing ? "on" : "off" },
                  { label: "Experiment status", value: experiment.status === "stopped" ? "stopped" : `${experiment.status} → stopped` },
                ]}
              />
              <ServerError message={pick.error ? experimentErrorMessages(pick.error as TExperimentError).join("; ") : null} />
              <DialogFooter
                onCancel={close}
                confirmLabel="Pick winner"
                pendingLabel="Saving…"
                pending={pick.isPending}
                confirmClassName={BILLING_PRIMARY_BUTTON}
                cancelClassName={BILLING_SECONDARY_BUTTON}
                onConfirm={() => pick.mutate({ experimentId: experiment.id, variantKey: variant.key })}
              />
            </div>
          </ActionDialog>
        </div>
      ) : null}
    </>
  );
}
