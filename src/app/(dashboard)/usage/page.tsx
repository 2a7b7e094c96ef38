import Link from "next/link";
import clsx from "clsx";
import { Card, Metric, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text } from "@tremor/react";
import { api } from "@/trpc/server";
import { CLIENT_USAGE_SORTS } from "@/server/usage/list-client-usage";
import { ZPeriod, periodOf, recentPeriods } from "@/server/usage/period";
import { formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Pagination, hrefWith } from "@/components/pagination";
import { PeriodPicker } from "@/components/period-picker";
import { ClientStatusBadge, PlanBadge } from "@/components/status-badges";
import { readChoice, readPage, readParam, type TSearchParams } from "@/components/url-params";

export const metadata = { title: "Usage" };

type TSort = (typeof CLIENT_USAGE_SORTS)[number];

export default async function UsagePage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const params = await searchParams;
  const periods = recentPeriods(12).reverse();
  const requested = readParam(params, "period", 7);
  const period = requested && ZPeriod.safeParse(requested).success ? requested : periodOf(new Date());
  const sort: TSort = readChoice(params, "sort", CLIENT_USAGE_SORTS) ?? "costUsd";
  const page = readPage(params);

  const [usage, summary] = await Promise.all([
    api.usage.byClient({ period, sort, page }),
    api.usage.summary({ period }),
  ]);
  const totals = summary.current;
  const listParams = { period: requested ? period : undefined, sort: sort === "costUsd" ? undefined : sort };
  const sortHref = (key: TSort) => hrefWith("/usage", { ...listParams, sort: key === "costUsd" ? undefined : key });
  const sortHeader = (column: TSort, label: string, className?: string) => (
    <TableHeaderCell className={className}>
      <Link
        href={sortHref(column)}
        aria-current={sort === column ? "true" : undefined}
        className={clsx("hover:text-gray-900", sort === column && "text-blue-700 underline underline-offset-4")}
      >
        {label}
      </Link>
    </TableHeaderCell>
  );

  return (
    <div>
      <PageHeader
        title="Usage"
        description={`Every client's usage in ${formatPeriod(period)}, from usage counters (UTC calendar month).`}
        actions={<PeriodPicker periods={periods.includes(period) ? periods : [period, ...periods]} value={period} />}
      />

      <div className="mb-6 grid grid-cols-1 gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Card>
          <Text>Clients with usage</Text>
          <Metric>{formatCount(usage.total)}</Metric>
        </Card>
        <Card>
          <Text>Messages</Text>
          <Metric>{formatCount(totals.messages)}</Metric>
        </Card>
        <Card>
          <Text>Tokens</Text>
          <Metric>{formatCount(totals.tokens)}</Metric>
        </Card>
        <Card>
          <Text>Cost (USD)</Text>
          <Metric>{formatMoney(totals.costUsd, "USD", 2)}</Metric>
        </Card>
      </div>

      {usage.total === 0 ? (
        <EmptyState title={`No usage in ${formatPeriod(usage.period)}`}>
          No client sent a chat message in this period. Pick another period above.
        </EmptyState>
      ) : usage.items.length === 0 ? (
        <EmptyState
          title={`Page ${usage.page} is past the end of the list`}
          action={
            <Link href={hrefWith("/usage", { ...listParams, page: String(usage.pageCount) })} className="font-medium text-blue-600 hover:underline">
              Go to the last page
            </Link>
          }
        />
      ) : (
        <Card className="p-0">
          <Table>
            <TableHead>
              <TableRow>
                {sortHeader("name", "Client")}
                <TableHeaderCell>Plan</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                {sortHeader("messages", "Messages", "text-right")}
                <TableHeaderCell className="text-right">Conversations</TableHeaderCell>
                {sortHeader("tokens", "Tokens", "text-right")}
                <TableHeaderCell className="text-right">Tool calls</TableHeaderCell>
                {sortHeader("costUsd", "Cost (USD)", "text-right")}
              </TableRow>
            </TableHead>
            <TableBody>
              {usage.items.map((row) => (
                <TableRow key={row.clientId} data-testid="usage-row">
                  <TableCell>
                    <Link href={`/clients/${row.clientId}?tab=usage`} className="font-medium text-gray-900 hover:text-blue-700">
                      {row.name}
                    </Link>
                    <div className="text-xs text-gray-500">{row.slug}</div>
                  </TableCell>
                  <TableCell>
                    <PlanBadge planKey={row.planKey} name={row.planName} />
                  </TableCell>
                  <TableCell>
                    <ClientStatusBadge status={row.status} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(row.messages)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(row.conversations)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(row.tokens)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(row.toolCalls)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(row.costUsd)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}

      {usage.total > 0 ? (
        <Pagination
          basePath="/usage"
          params={listParams}
          page={usage.page}
          pageCount={usage.pageCount}
          total={usage.total}
          pageSize={usage.pageSize}
          noun="clients"
        />
      ) : null}
    </div>
  );
}
