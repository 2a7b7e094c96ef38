// Last month's real tokens priced on each catalogue model's price in force today, against
// what the month actually cost (usage.whatIf).
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow, Text, Title } from "@tremor/react";
import type { TWhatIfCosts } from "@/server/usage/what-if-cost";
import { formatCount, formatMoney, formatPeriod } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";

/** "-0.12" -> "−$0.12", "0.3" -> "+$0.30". */
function signedMoney(value: string): string {
  const negative = value.trim().startsWith("-");
  const magnitude = formatMoney(negative ? value.trim().slice(1) : value);
  return /^[0.]+$/.test(value.replace("-", "")) ? magnitude : `${negative ? "−" : "+"}${magnitude}`;
}

export function ProviderWhatIfCard({ whatIf, retired }: { whatIf: TWhatIfCosts; retired: ReadonlySet<string> }) {
  return (
    <Card className="p-0" data-testid="what-if">
      <div className="p-5 pb-3">
        <Title>What {formatPeriod(whatIf.period)} would have cost on each model</Title>
        <Text>
          The month&apos;s real tokens ({formatCount(whatIf.totals.calls)} calls, {formatCount(whatIf.totals.inputTokens)} in, {formatCount(whatIf.totals.outputTokens)} out) priced at
          each model&apos;s price in force today. Actual cost at the prices of the time:{" "}
          <strong className="tabular-nums" data-testid="what-if-actual">
            {formatMoney(whatIf.totals.costUsd)}
          </strong>
          .
        </Text>
      </div>
      {whatIf.candidates.length === 0 ? (
        <div className="px-5 pb-5">
          <EmptyState title={`No usage in ${formatPeriod(whatIf.period)}`}>With no calls last month there is nothing to price on other models.</EmptyState>
        </div>
      ) : (
        <Table>
          <TableHead>
            <TableRow>
              <TableHeaderCell>Provider</TableHeaderCell>
              <TableHeaderCell>Model</TableHeaderCell>
              <TableHeaderCell className="text-right">Cost on this model</TableHeaderCell>
              <TableHeaderCell className="text-right">vs. actual</TableHeaderCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {whatIf.candidates.map((candidate) => {
              const saving = candidate.differenceUsd.trim().startsWith("-");
              return (
                <TableRow key={`${candidate.provider}/${candidate.model}`} data-testid="what-if-row">
                  <TableCell className="font-medium text-gray-900">{candidate.provider}</TableCell>
                  <TableCell className="font-mono text-xs">
                    {candidate.model}
                    {retired.has(`${candidate.provider}/${candidate.model}`) ? <span className="ml-2 font-sans text-amber-700">retired</span> : null}
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(candidate.costUsd)}</TableCell>
                  <TableCell className={`text-right tabular-nums ${saving ? "text-emerald-700" : "text-gray-600"}`}>{signedMoney(candidate.differenceUsd)}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
    </Card>
  );
}
