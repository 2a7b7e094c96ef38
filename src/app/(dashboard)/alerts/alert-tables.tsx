// The alerts and outbox tables, shared by the Alerts page and a client's Alerts tab.
import Link from "next/link";
import { Badge, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import { formatCount, formatDateTime, formatMetricName, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import type { TOutboxItem, TUsageAlertItem } from "./alert-types";
import { ResendNotificationButton } from "./resend-notification-button";

type TAlertItem = TUsageAlertItem;
type TNotificationItem = TOutboxItem;

const STATUS_COLOR = { pending: "blue", sent: "emerald", failed: "red" } as const;

const KIND_LABEL: Record<string, string> = {
  "alert.threshold_crossed": "Threshold crossed",
  "alert.resolved": "Alert resolved",
  "alert.test": "Test",
  "usage.daily_summary": "Daily summary",
};

export function UsageAlertsTable({ alerts, showClient = true }: { alerts: TAlertItem[]; showClient?: boolean }) {
  if (alerts.length === 0) {
    return <EmptyState title="No alerts">An alert appears when a client&apos;s usage crosses one of its plan&apos;s alert thresholds (80% and 100% of a monthly limit by default).</EmptyState>;
  }
  return (
    <Table data-testid="usage-alerts">
      <TableHead>
        <TableRow>
          {showClient ? <TableHeaderCell>Client</TableHeaderCell> : null}
          <TableHeaderCell>Limit and threshold</TableHeaderCell>
          <TableHeaderCell className="text-right">Usage / limit</TableHeaderCell>
          <TableHeaderCell>Period, crossed</TableHeaderCell>
          <TableHeaderCell>State</TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {alerts.map((alert) => (
          <TableRow key={alert.id} data-testid="usage-alert-row">
            {showClient ? (
              <TableCell className="max-w-44 truncate">
                <Link href={`/clients/${alert.clientId}?tab=alerts`} className="font-medium text-blue-600 hover:underline">
                  {alert.clientName}
                </Link>
              </TableCell>
            ) : null}
            <TableCell className="whitespace-nowrap">
              {formatMetricName(alert.limitKey)}{" "}
              <Badge color={alert.threshold >= 100 ? "red" : "amber"} size="xs" data-testid="usage-alert-threshold">
                {alert.threshold}%
              </Badge>
            </TableCell>
            <TableCell className="whitespace-nowrap text-right tabular-nums">
              {formatCount(alert.value)} / {formatCount(alert.limit)}
            </TableCell>
            <TableCell className="whitespace-nowrap">
              {formatPeriod(alert.period)}
              <span className="block text-xs text-gray-500">{formatDateTime(alert.crossedAt)}</span>
            </TableCell>
            <TableCell className="max-w-44 whitespace-normal text-xs" data-testid="usage-alert-state">
              {alert.resolvedAt ? (
                <>
                  <Badge color="gray" size="xs">
                    resolved
                  </Badge>
                  <span className="mt-1 block text-gray-500">
                    {alert.resolvedReason === "new_period" ? "new period" : alert.resolvedReason === "plan_change" ? "plan change" : alert.resolvedReason}, {formatDateTime(alert.resolvedAt)}
                  </span>
                </>
              ) : (
                <Badge color="amber" size="xs">
                  open
                </Badge>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function OutboxTable({ items, canEdit, showClient = true, emptyText }: { items: TNotificationItem[]; canEdit: boolean; showClient?: boolean; emptyText: string }) {
  if (items.length === 0) return <EmptyState title="No messages">{emptyText}</EmptyState>;
  return (
    <Table data-testid="outbox">
      <TableHead>
        <TableRow>
          <TableHeaderCell>Message</TableHeaderCell>
          {showClient ? <TableHeaderCell>Client</TableHeaderCell> : null}
          <TableHeaderCell>To</TableHeaderCell>
          <TableHeaderCell>Status</TableHeaderCell>
          <TableHeaderCell className="text-right">Actions</TableHeaderCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map((item) => (
          <TableRow key={item.id} data-testid="outbox-row" data-status={item.status} data-channel={item.channel}>
            <TableCell className="max-w-72">
              {/* Wraps rather than running into the next column at 1280 px. */}
              <div className="flex flex-wrap gap-x-1 whitespace-normal text-xs text-gray-500">
                <span className="font-medium uppercase tracking-wide">{KIND_LABEL[item.kind] ?? item.kind}</span>
                <span>· {formatDateTime(item.createdAt)}</span>
              </div>
              <div className="truncate text-sm text-gray-900" title={item.subject ?? undefined} data-testid="outbox-subject">
                {item.subject ?? "—"}
              </div>
            </TableCell>
            {showClient ? (
              <TableCell className="max-w-36 truncate">
                <Link href={`/clients/${item.clientId}?tab=alerts`} className="font-medium text-blue-600 hover:underline">
                  {item.clientName}
                </Link>
              </TableCell>
            ) : null}
            <TableCell className="max-w-44">
              <div className="text-xs text-gray-500">{item.channel}</div>
              <div className="truncate font-mono text-xs" title={item.recipient}>
                {item.recipient}
              </div>
            </TableCell>
            <TableCell className="max-w-52 whitespace-normal text-xs">
              <Badge color={STATUS_COLOR[item.status]} size="xs" data-testid="outbox-status">
                {item.status}
              </Badge>
              <span className="mt-1 block text-gray-500">
                {item.status === "sent"
                  ? `${item.deliveredVia === "stored" ? "stored (no email API key)" : `via ${item.deliveredVia}`}, ${item.sentAt ? formatDateTime(item.sentAt) : ""}`
                  : item.status === "pending"
                    ? `${item.attempts ? `${item.attempts} attempt(s); next ` : "due "}${formatDateTime(item.nextAttemptAt)}`
                    : `after ${item.attempts} attempt(s)`}
              </span>
              {item.lastError && item.status !== "sent" ? (
                <span className="mt-1 block whitespace-normal break-words text-red-700" data-testid="outbox-error">
                  {item.lastError}
                </span>
              ) : null}
            </TableCell>
            <TableCell className="whitespace-nowrap text-right">
              <div className="flex items-center justify-end gap-2">
                <Link href={`/alerts/notifications/${item.id}`} className="text-sm font-medium text-blue-600 hover:underline" data-testid="outbox-view">
                  {item.channel === "email" ? "Read" : "View"}
                </Link>
                {canEdit && item.status === "failed" ? <ResendNotificationButton id={item.id} /> : null}
              </div>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
