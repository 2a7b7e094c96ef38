// Clients near or over a monthly limit, each with the limit it is closest to and a bar
// (amber from its plan's first alert threshold, red at 100%). Shared by the overview
// and the usage reports.
import Link from "next/link";
import type { TNearLimitClients } from "@/server/usage/get-usage-report";
import { formatUsageMetric } from "@/components/display-format";
import { LimitProgress } from "@/components/limit-progress";

export function NearLimitList({ items, rowTestId }: { items: TNearLimitClients["items"]; rowTestId: string }) {
  return (
    <ul className="mt-4 grid grid-cols-1 gap-x-8 gap-y-3 lg:grid-cols-2">
      {items.map((row) => (
        <li key={row.clientId} data-testid={rowTestId} data-level={row.topLimit.level} data-client={row.clientId}>
          <div className="flex items-baseline justify-between gap-3 text-sm">
            <Link href={`/clients/${row.clientId}?tab=usage`} className="truncate font-medium text-gray-900 hover:text-blue-700">
              {row.name}
            </Link>
            <span className="shrink-0 tabular-nums text-gray-600">
              {formatUsageMetric(row.topLimit.metric)} {row.topLimit.percent}%
            </span>
          </div>
          <LimitProgress
            percent={Number(row.topLimit.percent)}
            level={row.topLimit.level}
            label={`${row.name}: ${row.topLimit.percent}% of ${formatUsageMetric(row.topLimit.metric)}`}
            className="mt-1"
          />
        </li>
      ))}
    </ul>
  );
}
