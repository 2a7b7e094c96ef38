import Link from "next/link";
import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { api } from "@/trpc/server";
import type { TPlanUsage } from "@/server/usage/list-plan-usage";
import { formatCount, formatMetricName, formatMoney, formatPeriod, formatUnitPrice } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { limitCounterMetric, orderLimitMetrics } from "@/components/plan-limits";
import { PageHeader } from "@/components/page-header";

export const metadata = { title: "Plans" };

function formatLimit(metric: string, limit: number | null | undefined): string {
  if (limit === undefined) return "—";
  if (limit === null) return "Unlimited";
  return limitCounterMetric(metric) === "costUsd" ? formatMoney(String(limit), "USD", 2) : formatCount(limit);
}

function describePrice(plan: TPlanUsage, metric: string): string {
  const price = plan.metricPrices.find((p) => p.metric === metric);
  if (!price) return "—";
  const per = price.unit === 1 ? "each" : `per ${formatCount(price.unit)}`;
  const included = price.includedUnits > 0 ? ` above ${formatCount(price.includedUnits)} included` : "";
  return `${formatUnitPrice(price.unitPrice, plan.currency)} ${per}${included}${price.tiered ? " (tiered)" : ""}`;
}

export default async function PlansPage() {
  const { period, plans } = await api.usage.byPlan();
  if (plans.length === 0) {
    return (
      <div>
        <PageHeader title="Plans" />
        <EmptyState title="No plans configured">Seed the default plans with npm run db:seed.</EmptyState>
      </div>
    );
  }
  const limitMetrics = orderLimitMetrics([...new Set(plans.flatMap((plan) => Object.keys(plan.limits)))]);
  const pricedMetrics = [...new Set(plans.flatMap((plan) => plan.metricPrices.map((p) => p.metric)))];

  return (
    <div>
      <PageHeader title="Plans" description={`Read-only for now. Usage figures are for ${formatPeriod(period)}.`} />

      <div className="grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-4">
        {plans.map((plan) => (
          <Card key={plan.key} data-testid="plan-card" data-plan={plan.key} className="flex flex-col">
            <div className="flex items-center justify-between gap-2">
              <Title>{plan.name}</Title>
              <Badge size="xs" color={plan.active ? "emerald" : "gray"}>
                {plan.active ? "active" : "inactive"}
              </Badge>
            </div>
            <Text className="mt-1">
              {plan.key} · version {plan.version}
            </Text>
            <p className="mt-4 text-3xl font-semibold text-gray-900" data-testid="plan-base-price">
              {formatMoney(plan.baseCost, plan.currency, 2)}
              <span className="text-sm font-normal text-gray-500"> / month</span>
            </p>
            {plan.description ? <Text className="mt-2">{plan.description}</Text> : null}
            <dl className="mt-4 space-y-1 border-t border-gray-100 pt-4 text-sm">
              <div className="flex justify-between">
                <dt className="text-gray-500">Clients</dt>
                <dd>
                  <Link href={`/clients?plan=${plan.key}`} className="font-medium text-blue-600 hover:underline" data-testid="plan-client-count">
                    {formatCount(plan.clientCount)}
                  </Link>
                  <span className="text-gray-500"> ({formatCount(plan.activeClientCount)} active)</span>
                </dd>
              </div>
              <div>
                <dt className="text-gray-500">Default model</dt>
                <dd className="break-all font-mono text-xs leading-5">
                  {plan.defaultModel ? `${plan.defaultModel.provider} · ${plan.defaultModel.model ?? "default"}` : "—"}
                </dd>
              </div>
              <div className="flex justify-between">
                <dt className="text-gray-500">Messages this period</dt>
                <dd className="tabular-nums">{formatCount(plan.usage.messages)}</dd>
              </div>
              <div className="flex justify-between">
                <dt className="text-gray-500">Cost this period</dt>
                <dd className="tabular-nums">{formatMoney(plan.usage.costUsd, "USD", 2)}</dd>
              </div>
            </dl>
          </Card>
        ))}
      </div>

      <Card className="mt-6 p-0">
        <div className="px-6 pt-5">
          <Title>Limits</Title>
        </div>
        <Table className="mt-2" data-testid="plan-limits">
          <TableHead>
            <TableRow>
              <TableHeaderCell>Limit</TableHeaderCell>
              {plans.map((plan) => (
                <TableHeaderCell key={plan.key} className="text-right">
                  {plan.name}
                </TableHeaderCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {limitMetrics.map((metric) => (
              <TableRow key={metric}>
                <TableCell>{formatMetricName(metric)}</TableCell>
                {plans.map((plan) => (
                  <TableCell key={plan.key} className="text-right tabular-nums">
                    {formatLimit(metric, plan.limits[metric])}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Card>

      <Card className="mt-6 p-0">
        <div className="px-6 pt-5">
          <Title>Usage prices</Title>
          <Text>Charged on the invoice on top of the base price.</Text>
        </div>
        {pricedMetrics.length === 0 ? (
          <div className="p-6">
            <EmptyState title="No plan charges for usage" />
          </div>
        ) : (
          <Table className="mt-2">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Metric</TableHeaderCell>
                {plans.map((plan) => (
                  <TableHeaderCell key={plan.key}>{plan.name}</TableHeaderCell>
                ))}
              </TableRow>
            </TableHead>
            <TableBody>
              {pricedMetrics.map((metric) => (
                <TableRow key={metric}>
                  <TableCell>{formatMetricName(metric)}</TableCell>
                  {plans.map((plan) => (
                    <TableCell key={plan.key} className="whitespace-normal text-xs">
                      {describePrice(plan, metric)}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </div>
  );
}
