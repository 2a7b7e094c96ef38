"use client";
// An admin invoices a closed month from the dashboard: the same run as
// `npm run billing:run` and the cron route (idempotent: clients already invoiced are
// skipped), after a confirmation, with its outcome shown.
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { formatPeriod } from "@/components/display-format";
import { useTRPC } from "@/trpc/react";
import { BILLING_INPUT, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import { ActionDialog, ConfirmSummary, ServerError } from "@/components/action-dialog";

export function RunBillingButton({ periods }: { /** Closed periods, newest first. */ periods: string[] }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={() => setOpen(true)}>
        Run billing…
      </button>
      {open ? <RunBillingDialog periods={periods} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function RunBillingDialog({ periods, onClose }: { periods: string[]; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [period, setPeriod] = useState(periods[0] ?? "");
  const run = useMutation(trpc.billing.runBilling.mutationOptions({ onSuccess: () => router.refresh() }));
  const result = run.data;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run.mutate({ period });
  }

  return (
    <ActionDialog
      title="Run billing"
      description="Issues an invoice for every active client that has none for the month. Clients already invoiced are skipped, so running it twice issues nothing twice."
      onClose={onClose}
      testId="run-billing-dialog"
    >
      <form onSubmit={onSubmit} className="space-y-4">
        <label htmlFor="run-billing-period" className="block text-sm font-medium text-gray-700">
          Month
        </label>
        <select
          id="run-billing-period"
          value={period}
          onChange={(event) => setPeriod(event.target.value)}
          className={`${BILLING_INPUT} w-full`}
          disabled={run.isPending || result !== undefined}
        >
          {periods.map((p) => (
            <option key={p} value={p}>
              {formatPeriod(p)}
            </option>
          ))}
        </select>
        {result ? (
          <ConfirmSummary
            testId="run-billing-result"
            rows={[
              { label: "Month", value: formatPeriod(result.period) },
              { label: "Issued now", value: String(result.created) },
              { label: "Already invoiced", value: String(result.alreadyInvoiced + result.existing) },
              { label: "Clients to invoice", value: String(result.eligible) },
              {
                label: "Failed",
                value:
                  result.failed.length === 0 ? "none" : result.failed.map((failure) => `${failure.clientId}: ${failure.message}`).join("; "),
              },
              { label: "Took", value: `${(result.durationMs / 1000).toFixed(1)} s` },
            ]}
          />
        ) : null}
        <ServerError message={run.error?.message} />
        <div className="flex justify-end gap-2">
          <button type="button" className={BILLING_SECONDARY_BUTTON} onClick={onClose} disabled={run.isPending}>
            {result ? "Close" : "Cancel"}
          </button>
          {result ? null : (
            <button type="submit" className={BILLING_PRIMARY_BUTTON} disabled={run.isPending || !period}>
              {run.isPending ? "Invoicing…" : `Invoice ${period ? formatPeriod(period) : ""}`}
            </button>
          )}
        </div>
      </form>
    </ActionDialog>
  );
}
