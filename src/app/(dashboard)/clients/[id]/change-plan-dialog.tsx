"use client";
// Move a client to another plan. The dialog shows the server's preview (proration
// credit and charge for the rest of the period, and the limits the client's usage
// already exceeds on the new plan) before anything changes; a reason is required,
// and exceeded limits need an explicit confirmation that the server checks again.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { formatAmount, formatCount, formatDate, formatDateTime, formatMoney } from "@/components/display-format";
import { useTRPC } from "@/trpc/react";

const BUTTON = "rounded-md px-3 py-1.5 text-sm font-medium disabled:opacity-60";
const INPUT =
  "mt-1 block w-full rounded-md border border-gray-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-blue-500 focus:outline-none focus:ring-2 focus:ring-blue-200";

const PRORATION_LABEL: Record<string, string> = {
  none: "None: no credit or charge for the part period",
  daily: "Daily: by whole days left in the period",
  exact: "Exact: to the second",
};

type TPlanOption = { key: string; name: string };

type TChangePlanButtonProps = {
  clientId: string;
  clientName: string;
  currentPlan: TPlanOption;
  /** Active plans the client can move to (not its current one), in sort order. */
  plans: TPlanOption[];
  /** The plan the dialog opens with, e.g. the next plan up for "Upgrade". */
  preselect?: string;
  label: string;
  ariaLabel?: string;
  variant?: "primary" | "small";
};

/** "812" for a counter, "$12.50" for costLimitUSD. */
function formatLimitValue(limitKey: string, value: string | number): string {
  return limitKey === "costLimitUSD" ? formatMoney(String(value), "USD", 2) : formatCount(value);
}

function asDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}

function ChangePlanForm({ clientId, clientName, currentPlan, plans, preselect, onClose }: Omit<TChangePlanButtonProps, "label" | "ariaLabel" | "variant"> & { onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const ids = { title: useId(), plan: useId(), reason: useId() };
  const [toPlanKey, setToPlanKey] = useState(preselect ?? "");
  const [reason, setReason] = useState("");
  const [confirmed, setConfirmed] = useState(false);

  const preview = useQuery({
    ...trpc.plans.previewChange.queryOptions({ clientId, toPlanKey }),
    enabled: toPlanKey !== "",
    staleTime: 0,
    retry: false,
  });
  const change = useMutation(
    trpc.plans.changePlan.mutationOptions({
      onSuccess: () => {
        onClose();
        router.refresh();
      },
    }),
  );
  const fieldErrors = change.error?.data?.zodError?.fieldErrors as Record<string, string[] | undefined> | undefined;

  const data = preview.data;
  const warnings = data?.warnings ?? [];
  const needsConfirmation = data !== undefined && (data.requiresConfirmation || warnings.length > 0);
  const ready =
    data !== undefined && !data.noop && !preview.isFetching && reason.trim() !== "" && (!needsConfirmation || confirmed) && !change.isPending;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!ready) return;
    change.mutate({ clientId, toPlanKey, reason: reason.trim(), confirmWarnings: confirmed });
  }

  const money = (value: string) => formatAmount(value, data?.currency ?? "USD");

  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby={ids.title}
      className="fixed inset-0 z-50 overflow-y-auto bg-black/30"
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
      }}
    >
      {/* min-h-full centres a short dialog; a tall one (warnings) scrolls instead of losing its top. */}
      <div className="flex min-h-full items-center justify-center p-4">
        <div className="w-full max-w-lg rounded-lg bg-white p-6 shadow-lg" data-testid="change-plan-dialog">
          <h2 id={ids.title} className="text-lg font-semibold">
            Change plan
          </h2>
          <p className="mt-1 text-sm text-gray-600">
            {clientName} is on <span className="font-medium text-gray-900">{currentPlan.name}</span>.
          </p>
          <form onSubmit={onSubmit} className="mt-4 space-y-4">
            <div>
              <label htmlFor={ids.plan} className="text-sm font-medium text-gray-700">
                New plan
              </label>
              <select
                id={ids.plan}
                value={toPlanKey}
                onChange={(event) => {
                  setToPlanKey(event.target.value);
                  setConfirmed(false);
                  change.reset();
                }}
                className={INPUT}
              >
                <option value="" disabled>
                  Choose a plan
                </option>
                {plans.map((plan) => (
                  <option key={plan.key} value={plan.key}>
                    {plan.name}
                  </option>
                ))}
              </select>
              {fieldErrors?.toPlanKey ? <span className="mt-1 block text-xs text-red-600">{fieldErrors.toPlanKey.join(", ")}</span> : null}
            </div>

            {toPlanKey === "" ? null : preview.isFetching ? (
              <p className="text-sm text-gray-500">Working out the proration…</p>
            ) : preview.error ? (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {preview.error.message}
              </p>
            ) : data ? (
              <div data-testid="change-preview" className="rounded-md border border-gray-200 bg-gray-50 p-4 text-sm">
                {data.noop ? (
                  <p>The client is already on this plan: nothing to change.</p>
                ) : (
                  <dl className="grid grid-cols-2 gap-x-4 gap-y-1.5">
                    <dt className="text-gray-500">Proration</dt>
                    <dd data-testid="preview-proration">{PRORATION_LABEL[data.prorationMode] ?? data.prorationMode}</dd>
                    <dt className="text-gray-500">Billing period</dt>
                    <dd>
                      {/* periodEnd is exclusive (the next period's start): show the last day. */}
                      {formatDate(asDate(data.periodStart))} – {formatDate(new Date(asDate(data.periodEnd).getTime() - 1))}
                      <span className="block text-xs text-gray-500">
                        {data.daysRemaining} of {data.daysInPeriod} days left
                      </span>
                    </dd>
                    <dt className="text-gray-500">Effective</dt>
                    <dd>{formatDateTime(asDate(data.effectiveAt))}</dd>
                    <dt className="text-gray-500">Credit (unused {data.fromPlan.name})</dt>
                    <dd className="tabular-nums" data-testid="preview-credit">
                      {money(data.creditAmount)}
                    </dd>
                    <dt className="text-gray-500">Charge (rest of period on {data.toPlan.name})</dt>
                    <dd className="tabular-nums" data-testid="preview-charge">
                      {money(data.chargeAmount)}
                    </dd>
                    <dt className="font-medium text-gray-900">Net on the next invoice</dt>
                    <dd className="font-semibold tabular-nums text-gray-900" data-testid="preview-net">
                      {money(data.netAmount)}
                      <span className="ml-1 text-xs font-normal text-gray-500">
                        {data.netAmount.startsWith("-") ? "credited" : /[1-9]/.test(data.netAmount) ? "charged" : ""}
                      </span>
                    </dd>
                  </dl>
                )}
              </div>
            ) : null}

            {warnings.length > 0 ? (
              <div role="alert" data-testid="change-warnings" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
                <p className="font-medium">Current usage already exceeds or reaches the new plan&apos;s limits:</p>
                <ul className="mt-1 list-disc pl-5">
                  {warnings.map((warning) => (
                    <li key={warning.limitKey} data-testid="change-warning">
                      <span className="font-mono">{warning.limitKey}</span> {formatLimitValue(warning.limitKey, warning.current)}{" "}
                      {Number(warning.current) > warning.newLimit ? ">" : "="} {formatLimitValue(warning.limitKey, warning.newLimit)}
                    </li>
                  ))}
                </ul>
                <p className="mt-1">Once the change is made, further requests against these limits are refused until the period ends.</p>
              </div>
            ) : null}

            <div>
              <label htmlFor={ids.reason} className="text-sm font-medium text-gray-700">
                Reason
              </label>
              <textarea
                id={ids.reason}
                rows={2}
                required
                maxLength={500}
                value={reason}
                placeholder="e.g. Customer asked to upgrade for the holiday season"
                onChange={(event) => setReason(event.target.value)}
                className={INPUT}
              />
              {fieldErrors?.reason ? <span className="mt-1 block text-xs text-red-600">{fieldErrors.reason.join(", ")}</span> : null}
            </div>

            {needsConfirmation ? (
              <label className="flex items-start gap-2 text-sm">
                <input type="checkbox" checked={confirmed} onChange={(event) => setConfirmed(event.target.checked)} className="mt-0.5" />
                <span>I understand that the client is already over these limits on the new plan.</span>
              </label>
            ) : null}

            {change.error && !fieldErrors ? (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {change.error.message}
              </p>
            ) : null}

            <div className="flex justify-end gap-2">
              <button type="button" className={`${BUTTON} border border-gray-300 hover:bg-gray-50`} onClick={onClose}>
                Cancel
              </button>
              <button type="submit" disabled={!ready} className={`${BUTTON} bg-blue-600 text-white hover:bg-blue-700`}>
                {change.isPending ? "Changing…" : "Confirm change"}
              </button>
            </div>
          </form>
        </div>
      </div>
    </div>
  );
}

export function ChangePlanButton({ label, ariaLabel, variant = "primary", ...props }: TChangePlanButtonProps) {
  const [open, setOpen] = useState(false);
  const className =
    variant === "primary"
      ? `${BUTTON} bg-blue-600 text-white hover:bg-blue-700`
      : "rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-xs font-medium text-amber-800 hover:bg-amber-100";
  return (
    <>
      <button type="button" className={className} aria-label={ariaLabel} onClick={() => setOpen(true)} disabled={props.plans.length === 0}>
        {label}
      </button>
      {/* Mounted only while open: every opening starts from a fresh form and preview. */}
      {open ? <ChangePlanForm {...props} onClose={() => setOpen(false)} /> : null}
    </>
  );
}
