import type { ReactNode } from "react";
import Link from "next/link";
import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { api } from "@/trpc/server";
import { getSession } from "@/server/auth/auth-options";
import { formatAmount, formatCompact, formatCount, formatMetricName, formatMoney, formatPeriod, formatUnitPrice } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { limitCounterMetric, orderLimitMetrics } from "@/components/plan-limits";
import { PageHeader } from "@/components/page-header";
import { ArchivePlanButton } from "./archive-plan-button";
import { PLAN_CARD_PRIMARY, PLAN_CARD_SECONDARY, PLAN_PRIMARY_BUTTON } from "./plan-action-styles";
import { featureLabel, orderFeatures } from "./plan-features";
import { describeOptimization } from "./plan-optimization-text";
import type { TPlanDetail } from "./plan-types";

export const metadata = { title: "Plans" };

const PRORATION_LABEL: Record<string, string> = {
  none: "No proration",
  daily: "Prorated by day",
  exact: "Prorated to the second",
};

function formatLimit(metric: string, limit: number | null | undefined): string {
  if (limit === undefined) return "—";
  if (limit === null) return "Unlimited";
  return limitCounterMetric(metric) === "costUsd" ? formatMoney(String(limit), "USD", 2) : formatCount(limit);
}

function formatFeature(value: boolean | string | undefined): ReactNode {
  if (value === undefined || value === false) return <span className="text-gray-400">—</span>;
  if (value === true) return <span className="font-medium text-emerald-700">Yes</span>;
  return <span className="break-words font-mono text-xs">{value}</span>;
}

function describePrice(plan: TPlanDetail, metric: string): ReactNode {
  const price = plan.pricing.metrics[metric];
  if (!price) return <span className="text-gray-400">—</span>;
  const currency = plan.pricing.currency;
  const per = price.unit === 1 ? "each" : `per ${formatCompact(price.unit)}`;
  // Compact counts (3M, not 3,000,000): the columns are narrow; the editor shows them exact.
  const included = price.includedUnits > 0 ? <span className="block text-gray-500">{formatCompact(price.includedUnits)} included</span> : null;
  if (!price.tiers) {
    return (
      <>
        {formatUnitPrice(price.unitPrice, currency)} {per}
        {included}
      </>
    );
  }
  return (
    <>
      <span className="block">
        {price.tiers.mode === "graduated" ? "Graduated" : "Volume"}, {per}
      </span>
      <ul className="text-gray-600">
        {price.tiers.tiers.map((tier, index) => (
          <li key={index} className="whitespace-nowrap">
            {tier.upTo === null ? "above" : `≤ ${formatCompact(tier.upTo)}`}: {formatUnitPrice(tier.unitPrice, currency)}
          </li>
        ))}
      </ul>
      {included}
    </>
  );
}

function PlanCard({ plan, usage, canEdit }: { plan: TPlanDetail; usage: { messages: string; costUsd: string } | undefined; canEdit: boolean }) {
  const provider = plan.features.llmProvider;
  const model = plan.features.llmModel;
  return (
    <Card data-testid="plan-card" data-plan={plan.key} className={`flex flex-col p-4 ${plan.active ? "" : "bg-gray-50"}`}>
      <div className="flex items-start justify-between gap-2">
        <Title className="leading-6">{plan.name}</Title>
        {plan.active ? null : (
          <Badge size="xs" color="gray" data-testid="plan-archived">
            Archived
          </Badge>
        )}
      </div>
      <Text className="mt-0.5 text-xs">
        <span className="font-mono">{plan.key}</span> · version <span data-testid="plan-version">{plan.version}</span>
      </Text>
      <p className="mt-3 text-2xl font-semibold tabular-nums text-gray-900" data-testid="plan-base-price">
        {formatAmount(plan.pricing.baseCost, plan.pricing.currency)}
        <span className="whitespace-nowrap text-xs font-normal text-gray-500"> / month</span>
      </p>
      <Text className="text-xs">
        {plan.pricing.currency} · {PRORATION_LABEL[plan.pricing.prorationMode] ?? plan.pricing.prorationMode}
        {plan.pricing.usageMultiplier !== "1" ? ` · usage × ${plan.pricing.usageMultiplier}` : ""}
      </Text>
      {plan.description ? <Text className="mt-2 text-xs leading-5">{plan.description}</Text> : null}
      <dl className="mt-3 space-y-1 border-t border-gray-100 pt-3 text-xs">
        <div className="flex justify-between gap-2">
          <dt className="text-gray-500">Clients</dt>
          <dd>
            <Link href={`/clients?plan=${plan.key}`} className="font-medium text-blue-600 hover:underline" data-testid="plan-client-count">
              {formatCount(plan.clientCount)}
            </Link>
          </dd>
        </div>
        {usage ? (
          <>
            <div className="flex justify-between gap-2">
              <dt className="text-gray-500">Messages</dt>
              <dd className="tabular-nums">{formatCount(usage.messages)}</dd>
            </div>
            <div className="flex justify-between gap-2">
              <dt className="text-gray-500">Provider cost</dt>
              <dd className="tabular-nums">{formatMoney(usage.costUsd, "USD", 2)}</dd>
            </div>
          </>
        ) : null}
        <div>
          <dt className="text-gray-500">Default model</dt>
          <dd className="break-all font-mono leading-5">
            {typeof provider === "string" ? `${provider} · ${typeof model === "string" ? model : "default"}` : "—"}
          </dd>
        </div>
        <div>
          <dt className="text-gray-500">LLM cost</dt>
          <dd className="leading-5" data-testid="plan-optimization">
            {describeOptimization(plan.optimization)}
          </dd>
        </div>
      </dl>
      {canEdit ? (
        <div className="mt-auto flex flex-wrap items-start gap-1.5 pt-4" data-testid="plan-actions">
          {plan.active ? (
            <Link href={`/plans/${plan.key}/edit`} className={PLAN_CARD_PRIMARY} aria-label={`Edit ${plan.name}`}>
              Edit
            </Link>
          ) : null}
          <Link href={`/plans/new?copy=${plan.key}`} className={PLAN_CARD_SECONDARY} aria-label={`Create from copy of ${plan.name}`}>
            Create from copy
          </Link>
          {plan.active ? <ArchivePlanButton planKey={plan.key} planName={plan.name} /> : null}
        </div>
      ) : null}
    </Card>
  );
}

export default async function PlansPage() {
  const [summaries, session, byPlan] = await Promise.all([api.plans.list(), getSession(), api.usage.byPlan()]);
  const canEdit = session?.user.role === "admin";
  const newPlanLink = canEdit ? (
    <Link href="/plans/new" className={PLAN_PRIMARY_BUTTON}>
      New plan
    </Link>
  ) : null;
  if (summaries.length === 0) {
    return (
      <div>
        <PageHeader title="Plans" actions={newPlanLink} />
        <EmptyState title="No plans configured">Seed the default plans with npm run db:seed.</EmptyState>
      </div>
    );
  }
  // Active plans first (in their sort order), archived ones after them.
  const plans = (await Promise.all(summaries.map((summary) => api.plans.get({ key: summary.key })))).sort(
    (a, b) => Number(b.active) - Number(a.active),
  );
  const usageByPlan = new Map(byPlan.plans.map((plan) => [plan.key, plan.usage]));
  const limitMetrics = orderLimitMetrics([...new Set(plans.flatMap((plan) => Object.keys(plan.limits)))]);
  const features = orderFeatures([...new Set(plans.flatMap((plan) => Object.keys(plan.features)))]);
  const pricedMetrics = [...new Set(plans.flatMap((plan) => Object.keys(plan.pricing.metrics)))];

  return (
    <div>
      <PageHeader
        title="Plans"
        description={
          canEdit
            ? `An edit applies to the plan's clients at once; every save is a new version. Messages and provider cost are for ${formatPeriod(byPlan.period)}.`
            : `Read-only: changing plans needs the admin role. Messages and provider cost are for ${formatPeriod(byPlan.period)}.`
        }
        actions={newPlanLink}
      />

      {/* As many columns as fit: five plans sit side by side on a 1280px screen. */}
      <div className="grid grid-cols-[repeat(auto-fit,minmax(11rem,1fr))] gap-3">
        {plans.map((plan) => (
          <PlanCard key={plan.key} plan={plan} usage={usageByPlan.get(plan.key)} canEdit={canEdit} />
        ))}
      </div>

      <ComparisonTable title="Limits" rowLabel="Limit" plans={plans} testId="plan-limits">
        {limitMetrics.map((metric) => (
          <TableRow key={metric} data-metric={metric}>
            <TableCell>
              {formatMetricName(metric)}
              <span className="block font-mono text-xs text-gray-400">{metric}</span>
            </TableCell>
            {plans.map((plan) => (
              <TableCell key={plan.key} className="text-right tabular-nums" data-plan={plan.key}>
                {formatLimit(metric, plan.limits[metric])}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </ComparisonTable>

      <ComparisonTable title="Features" rowLabel="Feature" plans={plans} testId="plan-features">
        {features.map((name) => (
          <TableRow key={name} data-feature={name}>
            <TableCell className="whitespace-normal">{featureLabel(name)}</TableCell>
            {plans.map((plan) => (
              <TableCell key={plan.key} className="whitespace-normal text-right" data-plan={plan.key}>
                {formatFeature(plan.features[name])}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </ComparisonTable>

      <ComparisonTable
        title="Usage prices"
        subtitle="Charged on the invoice on top of the base price, for usage above what is included."
        rowLabel="Metric"
        plans={plans}
        testId="plan-prices"
        empty={pricedMetrics.length === 0 ? "No plan charges for usage" : undefined}
      >
        {pricedMetrics.map((metric) => (
          <TableRow key={metric} data-metric={metric}>
            <TableCell className="align-top">
              {formatMetricName(metric)}
              <span className="block font-mono text-xs text-gray-400">{metric}</span>
            </TableCell>
            {plans.map((plan) => (
              <TableCell key={plan.key} className="whitespace-normal text-right align-top text-xs" data-plan={plan.key}>
                {describePrice(plan, metric)}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </ComparisonTable>
    </div>
  );
}

function ComparisonTable({
  title,
  subtitle,
  rowLabel,
  plans,
  testId,
  empty,
  children,
}: {
  title: string;
  subtitle?: string;
  /** Header of the first column: what each row is. */
  rowLabel: string;
  plans: TPlanDetail[];
  testId: string;
  empty?: string;
  children: ReactNode;
}) {
  return (
    <Card className="mt-6 p-0">
      <div className="px-6 pt-5">
        <Title>{title}</Title>
        {subtitle ? <Text>{subtitle}</Text> : null}
      </div>
      {empty ? (
        <div className="p-6">
          <EmptyState title={empty} />
        </div>
      ) : (
        // Fixed layout: the three tables line their plan columns up with each other.
        <Table className="mt-2 [&_table]:table-fixed" data-testid={testId}>
          <TableHead>
            <TableRow>
              <TableHeaderCell className="w-56">{rowLabel}</TableHeaderCell>
              {plans.map((plan) => (
                <TableHeaderCell key={plan.key} className="text-right">
                  {plan.name}
                  {plan.active ? null : <span className="block text-xs font-normal text-gray-400">archived</span>}
                </TableHeaderCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>{children}</TableBody>
        </Table>
      )}
    </Card>
  );
}
