"use client";
// An experiment's status buttons: Start (draft), Pause (running), Resume (paused), and Stop
// (any but stopped), which asks first: a stopped experiment never runs again.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ActionDialog, ConfirmSummary, DialogFooter, ServerError } from "@/components/action-dialog";
import { BILLING_DANGER_BUTTON, BILLING_DESTRUCTIVE_BUTTON, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import { useTRPC } from "@/trpc/react";
import { experimentErrorMessages, type TExperimentError } from "./experiment-errors";

type TStatus = "draft" | "running" | "paused" | "stopped";

export function ExperimentActions({ experiment }: { experiment: { id: string; name: string; status: TStatus; clientName: string | null } }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [confirmingStop, setConfirmingStop] = useState(false);
  const options = { onSuccess: () => router.refresh() };
  const start = useMutation(trpc.experiments.start.mutationOptions(options));
  const pause = useMutation(trpc.experiments.pause.mutationOptions(options));
  const resume = useMutation(trpc.experiments.resume.mutationOptions(options));
  const stop = useMutation(
    trpc.experiments.stop.mutationOptions({
      onSuccess: () => {
        setConfirmingStop(false);
        router.refresh();
      },
    }),
  );
  const pending = start.isPending || pause.isPending || resume.isPending || stop.isPending;
  const failed = start.error ?? pause.error ?? resume.error;
  const input = { experimentId: experiment.id };
  const { status } = experiment;
  if (status === "stopped") return null;

  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="experiment-actions">
      {status === "draft" ? (
        <button type="button" className={BILLING_PRIMARY_BUTTON} disabled={pending} onClick={() => start.mutate(input)}>
          {start.isPending ? "Starting…" : "Start"}
        </button>
      ) : null}
      {status === "running" ? (
        <button type="button" className={BILLING_SECONDARY_BUTTON} disabled={pending} onClick={() => pause.mutate(input)}>
          {pause.isPending ? "Pausing…" : "Pause"}
        </button>
      ) : null}
      {status === "paused" ? (
        <button type="button" className={BILLING_PRIMARY_BUTTON} disabled={pending} onClick={() => resume.mutate(input)}>
          {resume.isPending ? "Resuming…" : "Resume"}
        </button>
      ) : null}
      <button type="button" className={BILLING_DANGER_BUTTON} disabled={pending} onClick={() => setConfirmingStop(true)}>
        Stop…
      </button>
      {failed ? (
        <div className="basis-full">
          <ServerError message={experimentErrorMessages(failed as TExperimentError).join("; ")} />
        </div>
      ) : null}

      {confirmingStop ? (
        <ActionDialog
          title={`Stop "${experiment.name}"?`}
          description="A stopped experiment never runs again: no conversation is assigned a variant any more. Its results stay, and you can still pick a winner."
          onClose={() => {
            setConfirmingStop(false);
            stop.reset();
          }}
          testId="experiment-stop-dialog"
        >
          <div className="space-y-4">
            <ConfirmSummary
              rows={[
                { label: "Client", value: experiment.clientName ?? "—" },
                { label: "Status", value: `${status} → stopped` },
              ]}
            />
            <ServerError message={stop.error ? experimentErrorMessages(stop.error as TExperimentError).join("; ") : null} />
            <DialogFooter
              onCancel={() => {
                setConfirmingStop(false);
                stop.reset();
              }}
              confirmLabel="Stop experiment"
              pendingLabel="Stopping…"
              pending={stop.isPending}
              confirmClassName={BILLING_DESTRUCTIVE_BUTTON}
              cancelClassName={BILLING_SECONDARY_BUTTON}
              onConfirm={() => stop.mutate(input)}
            />
          </div>
        </ActionDialog>
      ) : null}
    </div>
  );
}
