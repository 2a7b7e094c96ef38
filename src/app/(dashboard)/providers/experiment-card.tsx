// One experiment on the Providers page: its name, client, status, dates and actions, and
// how each variant did so far (results), with "Pick winner" on each variant for admins.
import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import Link from "next/link";
import { formatCount, formatDateTime, formatMoney } from "@/components/display-format";
import type { TExperimentResults, TVariantResults } from "@/server/experiments/get-experiment-results";
import { ExperimentActions } from "./experiment-actions";
import { ExperimentWinnerButton } from "./experiment-winner-button";

const STATUS_COLOR = { draft: "gray", running: "emerald", paused: "amber", stopped: "slate" } as const;

const percentFormat = new Intl.NumberFormat("en-US", { style: "percent", minimumFractionDigits: 0, maximumFractionDigits: 1 });
/** A ratio the server sent as a decimal string ("0.1667") as a percentage ("16.7%"); none yet: "—". */
function percent(ratio: string | null): string {
  return ratio === null ? "—" : percentFormat.format(ratio as Intl.StringNumericLiteral);
}
/** Per-conversation costs are fractions of a cent: up to six decimals ("$0.000214"). */
const COST_DIGITS = 6;
function milliseconds(value: string | null): string {
  return value === null ? "—" : `${formatCount(value)} ms`;
}

function ThumbIcon({ down = false }: { down?: boolean }) {
  return (
    <svg viewBox="0 0 20 20" className={`h-3.5 w-3.5 ${down ? "rotate-180" : ""}`} fill="currentColor" aria-hidden="true">
      <path d="M2 9.5A1.5 1.5 0 0 1 3.5 8H5v9H3.5A1.5 1.5 0 0 1 2 15.5v-6ZM7 17V8.3l3.6-5.7A1.3 1.3 0 0 1 13 3.5V7h3.3a1.7 1.7 0 0 1 1.7 2l-1.2 6.4A2 2 0 0 1 14.8 17H7Z" />
    </svg>
  );
}

function Feedback({ variant }: { variant: TVariantResults }) {
  return (
    <div className="tabular-nums" data-testid="variant-feedback">
      <span className="inline-flex items-center gap-2">
        <span className="inline-flex items-center gap-0.5 text-emerald-700" title="Thumbs up">
          <ThumbIcon />
          <span className="sr-only">up</span>
          <span data-testid="feedback-up">{variant.feedbackUp}</span>
        </span>
        <span className="inline-flex items-center gap-0.5 text-red-700" title="Thumbs down">
          <ThumbIcon down />
          <span className="sr-only">down</span>
          <span data-testid="feedback-down">{variant.feedbackDown}</span>
        </span>
      </span>
      <span className="block text-xs text-gray-500">{variant.upShare === null ? "" : `${percent(variant.upShare)} up`}</span>
    </div>
  );
}

export function ExperimentCard({ results, canEdit }: { results: TExperimentResults; canEdit: boolean }) {
  const { experiment, variants } = results;
  const totalWeight = variants.reduce((sum, variant) => sum + variant.weight, 0);
  const canPick = canEdit && experiment.status !== "draft" && experiment.winnerVariant === null;
  return (
    <Card className="p-0" data-testid="experiment-card" data-status={experiment.status}>
      <div className="flex flex-wrap items-start justify-between gap-3 px-5 pt-4">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h3 className="text-base font-semibold text-gray-900" data-testid="experiment-name">
              {experiment.name}
            </h3>
            <Badge color={STATUS_COLOR[experiment.status]} size="xs" data-testid="experiment-status">
              {experiment.status}
            </Badge>
            {experiment.winnerVariant ? (
              <Badge color="violet" size="xs" data-testid="experiment-winner">
                winner: {experiment.winnerVariant}
              </Badge>
            ) : null}
          </div>
          <p className="mt-1 text-sm text-gray-500">
            {experiment.clientId ? (
              <Link href={`/clients/${experiment.clientId}?tab=provider`} className="font-medium text-blue-600 hover:underline">
                {experiment.clientName}
              </Link>
            ) : (
              "No client"
            )}
            {" · "}
            {experiment.startedAt ? `started ${formatDateTime(experiment.startedAt)}` : "not started"}
            {experiment.endedAt ? ` · ended ${formatDateTime(experiment.endedAt)}` : ""}
            {experiment.createdBy ? ` · by ${experiment.createdBy}` : ""}
          </p>
        </div>
        {canEdit ? <ExperimentActions experiment={experiment} /> : null}
      </div>
      <div className="mt-3 overflow-x-auto">
        <Table data-testid="experiment-results">
          <TableHead>
            <TableRow>
              <TableHeaderCell className="px-3">Variant</TableHeaderCell>
              <TableHeaderCell className="px-3 text-right">Conversations</TableHeaderCell>
              <TableHeaderCell className="px-3 text-right">Cost / conversation</TableHeaderCell>
              <TableHeaderCell className="px-3 text-right">Latency p50 / p95</TableHeaderCell>
              <TableHeaderCell className="px-3 text-right">Errors</TableHeaderCell>
              <TableHeaderCell className="px-3 text-right">Fallbacks</TableHeaderCell>
              <TableHeaderCell className="px-3">Feedback</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {variants.map((variant) => (
              <TableRow key={variant.key} data-testid="variant-row" data-variant={variant.key}>
                <TableCell className="px-3 align-top">
                  <span className="font-medium text-gray-900">{variant.key}</span>
                  {experiment.winnerVariant === variant.key ? <span className="ml-1 text-xs font-medium text-violet-700">(winner)</span> : null}
                  <span className="block font-mono text-xs text-gray-500">
                    {variant.provider} · {variant.model}
                  </span>
                  <span className="block text-xs text-gray-500" data-testid="variant-weight">
                    routing {variant.routing ? "on" : "off"} · weight {variant.weight}
                    {totalWeight > 0 ? ` (${Math.round((variant.weight * 100) / totalWeight)}%)` : ""}
                  </span>
                  {canPick ? (
                    <span className="mt-1 block">
                      <ExperimentWinnerButton experiment={experiment} variant={variant} />
                    </span>
                  ) : null}
                </TableCell>
                <TableCell className="px-3 text-right align-top tabular-nums">
                  <span data-testid="variant-conversations">{formatCount(variant.conversations)}</span>
                  <span className="block text-xs text-gray-500">
                    <span data-testid="variant-messages">{formatCount(variant.messages)}</span> {variant.messages === 1 ? "message" : "messages"}
                  </span>
                </TableCell>
                <TableCell className="px-3 text-right align-top tabular-nums" data-testid="variant-cost">
                  {variant.costPerConversationUsd === null ? "—" : formatMoney(variant.costPerConversationUsd, "USD", COST_DIGITS)}
                  <span className="block text-xs text-gray-500">{variant.messages > 0 ? `${formatMoney(variant.costUsd, "USD", COST_DIGITS)} total` : ""}</span>
                </TableCell>
                <TableCell className="px-3 text-right align-top tabular-nums" data-testid="variant-latency">
                  {milliseconds(variant.latencyP50Ms)}
                  <span className="block text-xs text-gray-500">{milliseconds(variant.latencyP95Ms)}</span>
                </TableCell>
                <TableCell className="px-3 text-right align-top tabular-nums" data-testid="variant-errors">
                  {percent(variant.errorRate)}
                  <span className="block text-xs text-gray-500">{variant.errors > 0 ? `${formatCount(variant.errors)} failed` : ""}</span>
                </TableCell>
                <TableCell className="px-3 text-right align-top tabular-nums" data-testid="variant-fallbacks">
                  {percent(variant.fallbackRate)}
                </TableCell>
                <TableCell className="px-3 align-top">
                  <Feedback variant={variant} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
    </Card>
  );
}
