import type { ReactNode } from "react";
import Link from "next/link";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import type { TClientDetail } from "@/server/clients/get-client";
import { getSession } from "@/server/auth/auth-options";
import { api } from "@/trpc/server";
import { formatAmount, formatCount, formatDateTime, formatMetricName, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { LimitProgress } from "@/components/limit-progress";
import { limitCounterMetric, orderLimitMetrics } from "@/components/plan-limits";
import { ChangePlanButton } from "./change-plan-dialog";

/** At this share of a limit, a limit card offers the next plan up (the same point the bar turns amber). */
const UPGRADE_AT_PERCENT = 80;

type TLimitRow = {
  metric: string;
  limit: number | null;
  /** Decimal string from UsageCounter, or null when the limit has no monthly counter. */
  used: string | null;
  money: boolean;
};

function limitRows(client: TClientDetail): TLimitRow[] {
  return orderLimitMetrics(Object.keys(client.plan.limits)).map((metric) => {
    const limit = client.plan.limits[metric] ?? null;
    const counter = limitCounterMetric(metric);
    return {
      metric,
      limit,
      used: counter ? (client.currentUsage[counter] ?? "0") : null,
      money: counter === "costUsd",
    };
  });
}

function LimitCard({ row, upgrade }: { row: TLimitRow; upgrade?: (metric: string) => ReactNode }) {
  const show = (value: string | number) => (row.money ? formatMoney(String(value), "USD", 2) : formatCount(value));
  const name = formatMetricName(row.metric);
  let body;
  if (row.limit === null) {
    body = (
      <>
        <p className="mt-1 text-lg font-semibold text-gray-900">Unlimited</p>
        {row.used !== null ? <Text>{show(row.used)} used this period</Text> : null}
      </>
    );
  } else if (row.used === null) {
    // e.g. requestsPerMinute: enforced per window, not counted per month.
    body = (
      <>
        <p className="mt-1 text-lg font-semibold text-gray-900">{show(row.limit)}</p>
        <Text>Not a monthly counter</Text>
      </>
    );
  } else {
    // Drawing only: the ratio sizes the bar; the text shows the exact values.
    const used = Number(row.used);
    const percent = row.limit === 0 ? (used > 0 ? 100 : 0) : (used / row.limit) * 100;
    body = (
      <>
        <p className="mt-1 text-sm text-gray-900">
          <span className="font-semibold tabular-nums">{show(row.used)}</span>
          <span className="text-gray-500"> of {show(row.limit)}</span>
          <span className="ml-2 text-gray-500">{row.limit === 0 ? "not included" : `${Math.floor(percent)}%`}</span>
        </p>
        <LimitProgress percent={percent} label={`${name}: ${show(row.used)} of ${show(row.limit)}`} />
        {upgrade && percent >= UPGRADE_AT_PERCENT ? <div className="mt-3">{upgrade(name)}</div> : null}
      </>
    );
  }
  return (
    <Card data-testid="plan-limit" data-metric={row.metric}>
      <Text>{name}</Text>
      {body}
    </Card>
  );
}

export async function PlanTab({ client }: { client: TClientDetail }) {
  const rows = limitRows(client);
  const session = await getSession();
  const canEdit = session?.user.role === "admin";
  // Plans in sort order; only admins need them (to pick a plan to move to).
  const plans = canEdit ? await api.plans.list() : [];
  const currentPlan = { key: client.plan.key, name: client.plan.name };
  const targets = plans.filter((plan) => plan.active && plan.key !== client.plan.key).map(({ key, name }) => ({ key, name }));
  const currentIndex = plans.findIndex((plan) => plan.key === client.plan.key);
  const nextPlan = currentIndex === -1 ? undefined : plans.slice(currentIndex + 1).find((plan) => plan.active);
  const upgrade = nextPlan
    ? (limitName: string) => (
        <ChangePlanButton
          clientId={client.id}
          clientName={client.name}
          currentPlan={currentPlan}
          plans={targets}
          preselect={nextPlan.key}
          label={`Upgrade to ${nextPlan.name}`}
          ariaLabel={`Upgrade to ${nextPlan.name} (${limitName})`}
          variant="small"
        />
      )
    : undefined;
  return (
    <div className="space-y-6" data-testid="client-plan-tab">
      <Card>
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <div>
            <Text>Current plan</Text>
            <p className="mt-1 text-xl font-semibold text-gray-900" data-testid="current-plan">
              {client.plan.name} <span className="text-sm font-normal text-gray-500">version {client.plan.version}</span>
            </p>
          </div>
          <div className="flex items-center gap-4">
            <Link href="/plans" className="text-sm font-medium text-blue-600 hover:underline">
              Compare plans
            </Link>
            {canEdit ? (
              <ChangePlanButton clientId={client.id} clientName={client.name} currentPlan={currentPlan} plans={targets} label="Change plan" />
            ) : null}
          </div>
        </div>
      </Card>

      <div>
        <Title>Limits in {formatPeriod(client.period)}</Title>
        {rows.length === 0 ? (
          <div className="mt-3">
            <EmptyState title="This plan sets no limits" />
          </div>
        ) : (
          <div className="mt-3 grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-3">
            {rows.map((row) => (
              <LimitCard key={row.metric} row={row} upgrade={upgrade} />
            ))}
          </div>
        )}
      </div>

      <Card>
        <Title>Plan changes</Title>
        {client.planChanges.length === 0 ? (
          <div className="mt-4">
            <EmptyState title="No plan changes yet">The client has been on {client.plan.name} since it was created.</EmptyState>
          </div>
        ) : (
          <Table className="mt-4" data-testid="plan-changes">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Effective</TableHeaderCell>
                <TableHeaderCell>From</TableHeaderCell>
                <TableHeaderCell>To</TableHeaderCell>
                <TableHeaderCell className="text-right">Credit</TableHeaderCell>
                <TableHeaderCell className="text-right">Charge</TableHeaderCell>
                <TableHeaderCell>By</TableHeaderCell>
                <TableHeaderCell>Reason</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {client.planChanges.map((change) => (
                <TableRow key={change.id}>
                  <TableCell>{formatDateTime(change.effectiveAt)}</TableCell>
                  <TableCell>{change.fromPlanKey}</TableCell>
                  <TableCell>{change.toPlanKey}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatAmount(change.creditAmount, client.currency)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatAmount(change.chargeAmount, client.currency)}</TableCell>
                  <TableCell>{change.changedBy ?? "—"}</TableCell>
                  <TableCell className="max-w-xs whitespace-normal">{change.reason ?? "—"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Card>
    </div>
  );
}
