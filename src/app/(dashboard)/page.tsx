import Link from "next/link";
import { BarList, Card, Metric, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import { api } from "@/trpc/server";
import { formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { NearLimitList } from "@/components/near-limit-list";
import { PageHeader } from "@/components/page-header";
import { PlanBadge } from "@/components/status-badges";
import { MonthlyUsageChart } from "@/components/usage-charts";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  const [summary, activeClients, plans, topClients, nearLimit] = await Promise.all([
    api.usage.summary(),
    // Only the count is used; the smallest page keeps the query cheap.
    api.clients.list({ status: "active", pageSize: 5 }),
    api.plans.list(),
    api.usage.byClient({ sort: "costUsd", pageSize: 5 }),
    api.usage.nearLimit({ limit: 6 }),
  ]);
  const period = formatPeriod(summary.period);
  const hasUsage = summary.monthly.some((month) => month.messages !== "0" || month.costUsd !== "0");

  return (
    <div>
      <PageHeader title="Overview" description={`All clients, billing period ${period} (UTC).`} />

      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Card data-testid="kpi-active-clients">
          <Text>Active clients</Text>
          <Metric>{formatCount(activeClients.total)}</Metric>
          <Text className="mt-1">{formatCount(summary.clientsWithUsage)} with usage in {period}</Text>
        </Card>
        <Card data-testid="kpi-messages">
          <Text>Messages this period</Text>
          <Metric>{formatCount(summary.current.messages)}</Metric>
          <Text className="mt-1">{formatCount(summary.current.tokens)} tokens</Text>
        </Card>
        <Card data-testid="kpi-cost">
          <Text>Cost this period</Text>
          <Metric>{formatMoney(summary.current.costUsd, "USD", 2)}</Metric>
          <Text className="mt-1">Provider cost in USD, from usage counters</Text>
        </Card>
        <Card data-testid="kpi-clients-per-plan">
          <Text>Clients per plan</Text>
          {plans.length === 0 ? (
            <Text className="mt-3">No plans configured</Text>
          ) : (
            <BarList
              className="mt-3"
              data={plans.map((plan) => ({ name: plan.name, value: plan.clientCount, href: `/clients?plan=${plan.key}` }))}
            />
          )}
        </Card>
      </div>

      <div className="mt-6 grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Card>
          <Title>Messages, last 12 months</Title>
          {hasUsage ? (
            <MonthlyUsageChart data={summary.monthly} series="messages" />
          ) : (
            <div className="mt-4">
              <EmptyState title="No usage recorded in the last 12 months">
                Usage appears here once clients send chat messages.
              </EmptyState>
            </div>
          )}
        </Card>
        <Card>
          <Title>Cost (USD), last 12 months</Title>
          {hasUsage ? (
            <MonthlyUsageChart data={summary.monthly} series="costUsd" kind="area" />
          ) : (
            <div className="mt-4">
              <EmptyState title="No cost recorded in the last 12 months" />
            </div>
          )}
        </Card>
      </div>

      <Card className="mt-6" data-testid="overview-near-limit">
        <div className="flex items-center justify-between">
          <Title>Near or over a limit in {period}</Title>
          <Link href="/usage" className="text-sm font-medium text-blue-600 hover:underline">
            {nearLimit.total > nearLimit.items.length ? `All ${formatCount(nearLimit.total)}` : "Usage reports"}
          </Link>
        </div>
        {nearLimit.items.length === 0 ? (
          <p className="mt-3 text-sm text-gray-500">No client is past its plan&apos;s first alert threshold on a monthly limit.</p>
        ) : (
          <NearLimitList items={nearLimit.items} rowTestId="overview-near-limit-row" />
        )}
      </Card>

      <Card className="mt-6">
        <div className="flex items-center justify-between">
          <Title>Top clients by cost in {period}</Title>
          <Link href="/usage" className="text-sm font-medium text-blue-600 hover:underline">
            All usage
          </Link>
        </div>
        {topClients.items.length === 0 ? (
          <div className="mt-4">
            <EmptyState title={`No client has usage in ${period} yet`} />
          </div>
        ) : (
          <Table className="mt-4">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Client</TableHeaderCell>
                <TableHeaderCell>Plan</TableHeaderCell>
                <TableHeaderCell className="text-right">Messages</TableHeaderCell>
                <TableHeaderCell className="text-right">Cost</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {topClients.items.map((row) => (
                <TableRow key={row.clientId}>
                  <TableCell>
                    <Link href={`/clients/${row.clientId}`} className="font-medium text-gray-900 hover:text-blue-700">
                      {row.name}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <PlanBadge planKey={row.planKey} name={row.planName} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(row.messages)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(row.costUsd)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </div>
  );
}
