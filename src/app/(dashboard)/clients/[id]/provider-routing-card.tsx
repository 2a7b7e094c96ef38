// The client's routing switch and what its plan decides: the plan's routing rules, context
// budget, compression and degradation, read-only here (edited on the plan).
import Link from "next/link";
import { Badge, Card, Text, Title } from "@tremor/react";
import type { TClientRouting } from "@/server/clients/set-client-routing";
import { formatCount } from "@/components/display-format";
import { BILLING_LINK } from "@/components/action-styles";
import { ProviderRoutingSwitch } from "./provider-routing-switch";

const onOff = (value: boolean) => (value ? "on" : "off");

export function ProviderRoutingCard({ routing, canEdit }: { routing: TClientRouting; canEdit: boolean }) {
  const { optimization, plan } = routing;
  const rules = optimization.routing;
  const settings: Array<{ label: string; value: string }> = [
    { label: "Context budget", value: optimization.contextBudgetTokens === null ? "none (last 20 messages)" : `${formatCount(optimization.contextBudgetTokens)} tokens` },
    { label: "Lossless compression", value: onOff(optimization.losslessCompression) },
    { label: "Summarize older turns", value: onOff(optimization.summarizeOlderTurns) },
    {
      label: "Routing rules",
      value: rules.enabled
        ? `on: ${rules.cheapQuestionTypes.join(", ").replaceAll("_", " ") || "no question type"}, at most ${formatCount(rules.maxChars)} characters and ${formatCount(rules.maxDepth)} user turns; tools stay on the primary${rules.cheapModel ? `; cheap model ${rules.cheapModel.provider} · ${rules.cheapModel.model}` : ""}`
        : "off",
    },
    { label: "Degrade to the cheaper model", value: optimization.degradeAtCostPercent === null ? "never" : `past ${optimization.degradeAtCostPercent} % of the cost limit` },
  ];
  return (
    <Card data-testid="provider-routing">
      <div className="flex flex-wrap items-center gap-3">
        <Title>Model routing and cost settings</Title>
        <Badge color={routing.routingActive ? "emerald" : "gray"} size="xs" data-testid="routing-active">
          {routing.routingActive ? "routing active" : "routing inactive"}
        </Badge>
      </div>
      <Text className="mt-1">
        The plan&apos;s rules decide which simple messages go to a cheaper model; this switch lets the client opt out.{" "}
        {rules.enabled
          ? `${plan.name} has routing on, so messages are routed while the switch is on.`
          : `${plan.name} has routing off: nothing is routed whatever the switch says, until the plan turns it on.`}
      </Text>
      <div className="mt-4">
        <ProviderRoutingSwitch clientId={routing.id} enabled={routing.routingEnabled} canEdit={canEdit} />
      </div>
      <div className="mt-6">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <p className="text-sm font-medium text-gray-700">The plan&apos;s cost settings ({plan.name})</p>
          <Link href={`/plans/${encodeURIComponent(plan.key)}/edit`} className={`text-sm ${BILLING_LINK}`}>
            Edit the plan
          </Link>
        </div>
        <dl className="mt-2 grid grid-cols-1 gap-x-6 gap-y-2 rounded-md border border-gray-200 bg-gray-50 p-4 text-sm md:grid-cols-[max-content_1fr]" data-testid="plan-optimization">
          {settings.map((row) => (
            <div key={row.label} className="contents">
              <dt className="text-gray-500">{row.label}</dt>
              <dd className="min-w-0 break-words text-gray-900">{row.value}</dd>
            </div>
          ))}
        </dl>
      </div>
    </Card>
  );
}
