import { Card, Text, Title } from "@tremor/react";
import type { TClientDetail } from "@/server/clients/get-client";
import { api } from "@/trpc/server";
import { EmptyState } from "@/components/empty-state";
import { ProviderDegradedBanner } from "./provider-degraded-card";
import { ModelPriceText, describeModelPrice, type TCatalogueModel } from "./provider-model-price";
import { ProviderModelCostsCard } from "./provider-model-costs-card";
import { ProviderRecommendationCard } from "./provider-recommendation-card";
import { ProviderRoutingCard } from "./provider-routing-card";
import { ProviderSettingsForm } from "./provider-settings-form";
import { ProviderWhatIfCard } from "./provider-what-if-card";

function priceOf(catalogue: TCatalogueModel[], provider: string, model: string | null) {
  return catalogue.find((entry) => entry.provider === provider && entry.model === model) ?? null;
}

/**
 * What answers this client and what it costs (everyone sees it): degraded messages, the
 * provider and chain, routing and the plan's cost settings, the recommendation, last month
 * on other models and the cost by model. Admins also get the forms that change them.
 */
export async function ProviderTab({ client, canEdit }: { client: TClientDetail; canEdit: boolean }) {
  const [catalogue, routing, degraded, recommendation, whatIf, modelCosts] = await Promise.all([
    api.providers.modelCatalogue(),
    api.clients.routing({ id: client.id }),
    api.clients.degradedMessages({ clientId: client.id }),
    api.providers.recommendation({ clientId: client.id }),
    api.usage.whatIf({ clientId: client.id }),
    api.clients.modelCosts({ clientId: client.id }),
  ]);
  const retired = new Set(catalogue.filter((entry) => entry.retired).map((entry) => `${entry.provider}/${entry.model}`));
  const { override, fallbackChain } = client.provider;
  const planProvider = typeof client.plan.features.llmProvider === "string" ? client.plan.features.llmProvider : null;
  const planModel = typeof client.plan.features.llmModel === "string" ? client.plan.features.llmModel : null;
  const planPrice = planProvider && planModel ? priceOf(catalogue, planProvider, planModel) : null;
  return (
    <div className="space-y-6" data-testid="client-provider">
      <ProviderDegradedBanner degraded={degraded} degradeAtCostPercent={routing.optimization.degradeAtCostPercent} />
      <Card>
        <Text>Provider</Text>
        {override ? (
          <>
            <p className="mt-1 text-lg font-semibold text-gray-900" data-testid="provider-choice">
              {override.provider}
              {override.model ? <span className="font-mono text-sm font-normal text-gray-600"> · {override.model}</span> : null}
            </p>
            <ModelPriceText provider={override.provider} price={priceOf(catalogue, override.provider, override.model)} />
            <Text>Override for this client; the plan&apos;s default is not used.</Text>
          </>
        ) : (
          <>
            <p className="mt-1 text-lg font-semibold text-gray-900" data-testid="provider-choice">
              Plan default
            </p>
            <Text>
              {planProvider
                ? `${client.plan.name} uses ${planProvider}${planModel ? ` · ${planModel}` : ""}.`
                : `${client.plan.name} names no default provider.`}
            </Text>
            {planProvider && planModel ? <ModelPriceText provider={planProvider} price={planPrice} /> : null}
          </>
        )}
      </Card>
      <Card>
        <Title>Fallback chain</Title>
        <Text>Tried in this order when the primary provider fails.</Text>
        {fallbackChain.length === 0 ? (
          <div className="mt-4">
            <EmptyState title="No fallback providers">A failure of the primary provider fails the request.</EmptyState>
          </div>
        ) : (
          <ol className="mt-4 space-y-2" data-testid="fallback-chain">
            {fallbackChain.map((step, index) => (
              <li key={`${step.provider}/${step.model}/${index}`} className="flex flex-wrap items-center gap-3 rounded-md border border-gray-200 px-3 py-2">
                <span className="flex h-6 w-6 items-center justify-center rounded-full bg-gray-100 text-xs font-medium text-gray-600">
                  {index + 1}
                </span>
                <span className="font-medium text-gray-900">{step.provider}</span>
                <span className="font-mono text-sm text-gray-600">{step.model}</span>
                <span className="ml-auto">
                  <ModelPriceText provider={step.provider} price={priceOf(catalogue, step.provider, step.model)} />
                </span>
              </li>
            ))}
          </ol>
        )}
      </Card>
      {canEdit ? (
        <ProviderSettingsForm
          clientId={client.id}
          clientName={client.name}
          planDefault={planProvider ? `${planProvider}${planModel ? ` · ${planModel}` : ""}` : null}
          planDefaultPrice={planProvider && planModel ? describeModelPrice(planProvider, planPrice) : null}
          saved={{ override: override?.model ? { provider: override.provider, model: override.model } : null, fallbackChain }}
          catalogue={catalogue}
        />
      ) : null}
      <ProviderRoutingCard routing={routing} canEdit={canEdit} />
      <ProviderRecommendationCard result={recommendation} />
      <ProviderWhatIfCard whatIf={whatIf} retired={retired} />
      <ProviderModelCostsCard costs={modelCosts} />
    </div>
  );
}
