"use client";
// Edit a plan, or create one (blank or from a copy). The server validates the plan
// (ZPlanDefinition) and answers BAD_REQUEST with zod's field errors; each message
// under "plan" starts with its path inside the plan, which places it under the input
// it is about. Saving sends the version the form was opened at: if someone saved in
// between, the server answers CONFLICT and nothing is overwritten.
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from "react";
import { formatCount, formatMetricName } from "@/components/display-format";
import { ZPlanDefinition, type TPlanDefinitionInput } from "@/shared/plan-config";
import { useTRPC } from "@/trpc/react";
import { PLAN_PRIMARY_BUTTON, PLAN_SECONDARY_BUTTON } from "./plan-action-styles";
import { Field, INPUT, Section, inputClass } from "./plan-form-fields";
import { FeaturesSection } from "./features-section";
import { LimitsSection } from "./limits-section";
import { OptimizationSection, type TCostLimitState } from "./optimization-section";
import { OPTIMIZATION_PATH_LABELS } from "./plan-optimization-text";
import { PricingSection } from "./pricing-section";
import type { TFormErrors } from "./plan-form-fields";
import type { TCatalogueModel } from "../clients/[id]/provider-model-price";
import {
  duplicateNameIssues,
  formStateToPlan,
  issuesByPath,
  limitsOf,
  placeServerIssues,
  type TPlanFormState,
} from "./plan-form-state";

/** Models with a price in effect: the LLM cost section offers them as the cheap model. */
type TCatalogueProps = { catalogue: TCatalogueModel[] };
type TPlanFormProps = TCatalogueProps &
  (
    | { mode: "edit"; planKey: string; version: number; clientCount: number; initial: TPlanFormState }
    | { mode: "create"; copyFrom: string | null; initial: TPlanFormState }
  );

/** Degradation works off costLimitUSD: whether the limits as edited give it a number. */
function costLimitState(form: TPlanFormState): TCostLimitState {
  const row = form.limits.find((limit) => limit.metric.trim() === "costLimitUSD");
  if (!row) return "missing";
  return row.unlimited ? "unlimited" : "set";
}

/**
 * "pricing.metrics.tokens.tiers.tiers.1.upTo" -> "Pricing › metrics › tokens › tiers › tiers › 2 › upTo";
 * "optimization.routing.maxChars" -> "LLM cost › Routing › Max characters" (the section's own words).
 */
function describePath(path: string): string {
  const parts = path.split(".");
  const labels: Record<string, string> = parts[0] === "optimization" ? OPTIMIZATION_PATH_LABELS : {};
  return parts
    .map((part, index) => (Object.hasOwn(labels, part) ? labels[part] : undefined) ?? (index === 0 ? formatMetricName(part) : /^\d+$/.test(part) ? String(Number(part) + 1) : part))
    .join(" › ");
}

function ImpactPreview({ planKey, form }: { planKey: string; form: TPlanFormState }) {
  const trpc = useTRPC();
  // The limits the preview was asked for, and the rows they came from (to tell when it is stale).
  const [asked, setAsked] = useState<{ limits: Record<string, number | null>; rows: string } | null>(null);
  const rowsNow = JSON.stringify(form.limits.map(({ metric, value, unlimited }) => [metric, value, unlimited]));
  const impact = useQuery({
    ...trpc.plans.previewImpact.queryOptions({ key: planKey, limits: asked?.limits ?? {} }),
    enabled: asked !== null,
    staleTime: 0,
    retry: false,
  });
  const stale = asked !== null && asked.rows !== rowsNow;
  return (
    <div data-testid="impact-preview">
      <div className="flex flex-wrap items-center gap-3">
        <button
          type="button"
          className={PLAN_SECONDARY_BUTTON}
          onClick={() => setAsked({ limits: limitsOf(form.limits), rows: rowsNow })}
        >
          Preview impact
        </button>
        <span className="text-xs text-gray-500">Which of this plan&apos;s clients this period&apos;s usage already puts over the new limits.</span>
      </div>
      {asked === null ? null : impact.isFetching ? (
        <p className="mt-3 text-sm text-gray-500">Checking this period&apos;s usage…</p>
      ) : impact.error ? (
        <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {impact.error.data?.zodError ? "Fix the limits first: every limit needs a number of 0 or more, or Unlimited." : impact.error.message}
        </p>
      ) : impact.data ? (
        <div className="mt-3" data-testid="impact-result">
          <p className={`text-sm font-medium ${impact.data.count > 0 ? "text-amber-800" : "text-emerald-700"}`} data-testid="impact-count">
            {impact.data.count === 0
              ? "No client on this plan exceeds these limits."
              : `${formatCount(impact.data.count)} ${impact.data.count === 1 ? "client already exceeds" : "clients already exceed"} these limits`}
            {stale ? <span className="ml-2 font-normal text-gray-500">(limits changed since: preview again)</span> : null}
          </p>
          {impact.data.truncated ? <p className="text-xs text-gray-500">Showing the first {formatCount(impact.data.clients.length)} rows.</p> : null}
          {impact.data.clients.length > 0 ? (
            <table className="mt-2 w-full text-sm">
              <thead>
                <tr className="text-left text-xs uppercase tracking-wide text-gray-500">
                  <th className="pb-1 font-medium">Client</th>
                  <th className="pb-1 font-medium">Limit</th>
                  <th className="pb-1 text-right font-medium">Used this period</th>
                  <th className="pb-1 text-right font-medium">New limit</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {impact.data.clients.map((row) => (
                  <tr key={`${row.clientId}/${row.limitKey}`} data-testid="impact-row">
                    <td className="py-1">
                      <Link href={`/clients/${row.clientId}?tab=plan`} className="text-blue-600 hover:underline">
                        {row.name}
                      </Link>
                    </td>
                    <td className="py-1 font-mono text-xs">{row.limitKey}</td>
                    <td className="py-1 text-right tabular-nums">{formatCount(row.current)}</td>
                    <td className="py-1 text-right tabular-nums">{formatCount(row.newLimit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export function PlanForm(props: TPlanFormProps) {
  const trpc = useTRPC();
  const router = useRouter();
  const [form, setForm] = useState(props.initial);
  const [sent, setSent] = useState<TPlanDefinitionInput | null>(null);
  const [nameIssues, setNameIssues] = useState<TFormErrors>({});
  const summaryRef = useRef<HTMLDivElement>(null);
  const ids = { key: useId(), name: useId(), description: useId(), sortOrder: useId(), thresholds: useId(), message: useId(), url: useId() };

  const onSaved = () => {
    router.push("/plans");
    router.refresh();
  };
  const update = useMutation(trpc.plans.update.mutationOptions({ onSuccess: onSaved }));
  const create = useMutation(trpc.plans.create.mutationOptions({ onSuccess: onSaved }));
  const save = props.mode === "edit" ? update : create;
  const error = save.error;
  const zodError = error?.data?.zodError ?? null;
  const serverFieldErrors = zodError?.fieldErrors as Record<string, string[] | undefined> | undefined;

  // The server's messages about the plan, each placed under its field by its path.
  // Messages without a path (an older server) are placed by running the same schema
  // on what was sent.
  const server = useMemo(() => placeServerIssues(serverFieldErrors?.plan ?? []), [serverFieldErrors]);
  const placed = useMemo<TFormErrors>(() => {
    if (server.unplaced.length === 0 || !sent) return server.byPath;
    const parsed = ZPlanDefinition.safeParse(sent);
    return parsed.success ? server.byPath : { ...issuesByPath(parsed.error), ...server.byPath };
  }, [server, sent]);
  const errors: TFormErrors = { ...placed, ...nameIssues };
  // Fields outside the plan (the key of the plan to update, copyFrom) come back at the
  // top level; they are listed in the summary, and the key's under its input too.
  if (serverFieldErrors?.key) errors.key = [...(errors.key ?? []), ...serverFieldErrors.key];

  const summary: string[] = [];
  if (Object.keys(nameIssues).length > 0) summary.push("Every limit, feature and priced metric needs a name of its own.");
  for (const [path, messages] of Object.entries(placed)) summary.push(`${describePath(path)}: ${messages?.join("; ")}`);
  if (Object.keys(placed).length === 0) summary.push(...server.unplaced);
  for (const [field, messages] of Object.entries(serverFieldErrors ?? {})) {
    if (field !== "plan") summary.push(`${formatMetricName(field)}: ${messages?.join("; ")}`);
  }
  summary.push(...(zodError?.formErrors ?? []));
  const conflict = error?.data?.code === "CONFLICT";
  // The AppError's data rides along in error.data.appError (see the tRPC error formatter).
  const appError: Record<string, unknown> | null = error?.data?.appError ?? null;
  const currentVersion = typeof appError?.currentVersion === "number" ? appError.currentVersion : null;

  useEffect(() => {
    if (error || Object.keys(nameIssues).length > 0) summaryRef.current?.scrollIntoView({ block: "start" });
  }, [error, nameIssues]);

  function patch(values: Partial<TPlanFormState>) {
    setForm((current) => ({ ...current, ...values }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const issues = duplicateNameIssues(form);
    setNameIssues(issues);
    if (Object.keys(issues).length > 0) return;
    const plan = formStateToPlan(form);
    setSent(plan);
    if (props.mode === "edit") {
      // The key names the plan to update; it is not part of what changes.
      const { key: _key, ...definition } = plan;
      update.mutate({ key: props.planKey, expectedVersion: props.version, plan: definition });
    } else {
      create.mutate({ copyFrom: props.copyFrom ?? undefined, plan });
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-6" aria-label={props.mode === "edit" ? "Edit plan" : "New plan"}>
      <div ref={summaryRef} className="scroll-mt-6">
        {conflict ? (
          <div role="alert" data-testid="plan-conflict" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
            <p className="font-semibold">Not saved: someone else changed this plan</p>
            <p className="mt-1">{error?.message}</p>
            {currentVersion !== null && props.mode === "edit" ? (
              <p className="mt-1">
                You opened version {props.version}; it is now at version {currentVersion}.
              </p>
            ) : null}
            <button type="button" className={`${PLAN_SECONDARY_BUTTON} mt-3`} onClick={() => window.location.reload()}>
              Load the latest version (discards these edits)
            </button>
          </div>
        ) : summary.length > 0 ? (
          <div role="alert" data-testid="plan-error-summary" className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm text-red-800">
            <p className="font-semibold">Not saved: {summary.length === 1 ? "one field needs" : `${summary.length} fields need`} fixing</p>
            <ul className="mt-2 list-disc space-y-0.5 pl-5">
              {summary.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        ) : error ? (
          <p role="alert" data-testid="plan-error-summary" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
            {error.message}
          </p>
        ) : null}
      </div>

      <Section title="Plan" testId="plan-identity-section">
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          {props.mode === "create" ? (
            <Field label="Key" htmlFor={ids.key} hint="Lowercase letters, digits and dashes; cannot change later." errors={errors.key}>
              <input
                id={ids.key}
                value={form.key}
                placeholder="e.g. team"
                onChange={(event) => patch({ key: event.target.value })}
                className={inputClass(`${INPUT} font-mono`, errors.key)}
              />
            </Field>
          ) : (
            <div>
              <p className="text-sm font-medium text-gray-700">Key</p>
              <p className="mt-2 font-mono text-sm text-gray-900">{props.planKey}</p>
              <p className="mt-1 text-xs text-gray-500">
                Version {props.version}; saving makes version {props.version + 1}. {formatCount(props.clientCount)}{" "}
                {props.clientCount === 1 ? "client is" : "clients are"} on this plan and get the changes at once.
              </p>
            </div>
          )}
          <Field label="Name" htmlFor={ids.name} errors={errors.name}>
            <input id={ids.name} value={form.name} onChange={(event) => patch({ name: event.target.value })} className={inputClass(INPUT, errors.name)} />
          </Field>
          <Field label="Description" htmlFor={ids.description} errors={errors.description} className="sm:col-span-2">
            <textarea
              id={ids.description}
              rows={2}
              value={form.description}
              onChange={(event) => patch({ description: event.target.value })}
              className={inputClass(INPUT, errors.description)}
            />
          </Field>
          <Field label="Sort order" htmlFor={ids.sortOrder} hint="Plans are listed, and upgraded, in this order." errors={errors.sortOrder}>
            <input
              id={ids.sortOrder}
              type="number"
              step={1}
              value={form.sortOrder}
              onChange={(event) => patch({ sortOrder: event.target.value })}
              className={inputClass(INPUT, errors.sortOrder)}
            />
          </Field>
        </div>
      </Section>

      <LimitsSection
        rows={form.limits}
        errors={errors}
        onChange={(limits) => patch({ limits })}
        impact={
          props.mode === "edit" ? (
            <ImpactPreview planKey={props.planKey} form={form} />
          ) : (
            <p className="text-sm text-gray-500">A new plan has no clients yet, so no client can exceed its limits.</p>
          )
        }
      />

      <FeaturesSection rows={form.features} errors={errors} onChange={(features) => patch({ features })} />

      <PricingSection state={form} errors={errors} onChange={patch} />

      <OptimizationSection
        state={form.optimization}
        errors={errors}
        costLimit={costLimitState(form)}
        catalogue={props.catalogue}
        onChange={(values) => setForm((current) => ({ ...current, optimization: { ...current.optimization, ...values } }))}
      />

      <Section title="Alerts and upgrade" testId="plan-alerts-section">
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field
            label="Alert thresholds (%)"
            htmlFor={ids.thresholds}
            hint="Comma-separated percentages of a limit, ascending, e.g. 80, 100."
            errors={errors.alertThresholds ?? errorsAtIndex(errors, "alertThresholds")}
          >
            <input
              id={ids.thresholds}
              value={form.alertThresholds}
              onChange={(event) => patch({ alertThresholds: event.target.value })}
              className={inputClass(INPUT, errors.alertThresholds ?? errorsAtIndex(errors, "alertThresholds"))}
            />
          </Field>
          <Field label="Upgrade URL" htmlFor={ids.url} hint="Sent with a refused request; optional." errors={errors.upgradeUrl}>
            <input
              id={ids.url}
              inputMode="url"
              value={form.upgradeUrl}
              placeholder="https://…"
              onChange={(event) => patch({ upgradeUrl: event.target.value })}
              className={inputClass(INPUT, errors.upgradeUrl)}
            />
          </Field>
          <Field label="Upgrade message" htmlFor={ids.message} hint="What a client over a limit is told." errors={errors.upgradeMessage} className="sm:col-span-2">
            <textarea
              id={ids.message}
              rows={2}
              value={form.upgradeMessage}
              onChange={(event) => patch({ upgradeMessage: event.target.value })}
              className={inputClass(INPUT, errors.upgradeMessage)}
            />
          </Field>
        </div>
      </Section>

      <div className="flex items-center justify-end gap-3 border-t border-gray-200 pt-4">
        <Link href="/plans" className={PLAN_SECONDARY_BUTTON}>
          Cancel
        </Link>
        <button type="submit" disabled={save.isPending} className={PLAN_PRIMARY_BUTTON}>
          {save.isPending ? "Saving…" : props.mode === "edit" ? "Save plan" : "Create plan"}
        </button>
      </div>
    </form>
  );
}

/** Messages about single entries of a list field ("alertThresholds.1"), joined. */
function errorsAtIndex(errors: TFormErrors, field: string): string[] | undefined {
  const found = Object.entries(errors)
    .filter(([path]) => path.startsWith(`${field}.`))
    .flatMap(([path, messages]) => (messages ?? []).map((message) => `entry ${Number(path.split(".")[1]) + 1}: ${message}`));
  return found.length ? found : undefined;
}
