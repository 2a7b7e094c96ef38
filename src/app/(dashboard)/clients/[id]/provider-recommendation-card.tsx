// A cheaper model for this client, with the evidence for it (both models' numbers over the
// last 30 days) and what it would have saved last month; or why none is recommended.
import { Badge, Card, Text, Title } from "@tremor/react";
import type { TModelEvidence, TModelRecommendation } from "@/server/model-prices/recommend-model";
import { formatCount, formatDate, formatMoney, formatPeriod } from "@/components/display-format";

const percent = (share: number | null) => (share === null ? "—" : `${(share * 100).toFixed(1)} %`);

function EvidenceColumn({ title, evidence }: { title: string; evidence: TModelEvidence }) {
  const rows = [
    ["Messages", formatCount(evidence.messages)],
    ["Cost per message", evidence.costPerMessageUsd === null ? "—" : formatMoney(evidence.costPerMessageUsd, "USD", 6)],
    ["Error rate", `${percent(evidence.errorRate)} (${formatCount(evidence.errors)} failed)`],
    ["Thumbs up", `${percent(evidence.upShare)} of ${formatCount(evidence.votes)} votes`],
  ];
  return (
    <div className="min-w-0 rounded-md border border-gray-200 p-4">
      <p className="text-xs font-medium uppercase tracking-wide text-gray-500">{title}</p>
      <p className="mt-1 break-words font-medium text-gray-900">
        {evidence.provider} · <span className="font-mono text-sm">{evidence.model}</span>
      </p>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-gray-500">{label}</dt>
            <dd className="tabular-nums text-gray-900">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function ProviderRecommendationCard({ result }: { result: TModelRecommendation }) {
  const rec = result.recommendation;
  return (
    <Card data-testid="model-recommendation">
      <div className="flex flex-wrap items-center gap-3">
        <Title>Recommendation</Title>
        {rec ? (
          <Badge color="emerald" size="xs">
            cheaper model found
          </Badge>
        ) : (
          <Badge color="gray" size="xs">
            none
          </Badge>
        )}
      </div>
      <Text className="mt-1">
        {formatDate(result.from)} to {formatDate(result.to)}. A model qualifies with at least 20 messages and 5 feedback votes, an error rate at most 2 points above the
        primary&apos;s, a thumbs-up share at most 5 points below, and a cost per message at least 10 % lower.
      </Text>
      {rec ? (
        <>
          <p className="mt-4 text-sm text-gray-900" data-testid="recommendation-text">
            Switch to <strong>{rec.candidate.provider} · {rec.candidate.model}</strong>: {percent(rec.costPerMessageCut)} cheaper per message
            {rec.whatIf.monthlySavingUsd !== null ? (
              <>
                ; {formatPeriod(rec.whatIf.period)} would have cost <strong className="tabular-nums">{formatMoney(rec.whatIf.candidateUsd!)}</strong> instead of{" "}
                {formatMoney(rec.whatIf.actualUsd)} (saving <strong className="tabular-nums">{formatMoney(rec.whatIf.monthlySavingUsd)}</strong> a month)
              </>
            ) : (
              " (no usage last month to estimate a monthly saving)"
            )}
            .
          </p>
          <div className="mt-4 grid gap-4 md:grid-cols-2">
            <EvidenceColumn title="Primary now" evidence={rec.primary} />
            <EvidenceColumn title="Recommended" evidence={rec.candidate} />
          </div>
        </>
      ) : (
        <p className="mt-4 rounded-md bg-gray-50 p-3 text-sm text-gray-700" data-testid="recommendation-reason">
          {result.reason}
        </p>
      )}
    </Card>
  );
}
