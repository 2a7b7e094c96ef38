import { api } from "@/trpc/server";
import { PageHeader } from "@/components/page-header";
import { getSession } from "@/server/auth/auth-options";
import { ModelCatalogueCard } from "./model-catalogue-card";
import { ModelPriceForm } from "./model-price-form";
import { ProviderHealthCard } from "./provider-health-card";
import { ExperimentsSection } from "./experiments-section";

export const metadata = { title: "Providers" };

export default async function ProvidersPage() {
  const [prices, health, session] = await Promise.all([api.providers.modelPrices(), api.providers.health(), getSession()]);
  const canEdit = session?.user.role === "admin";
  return (
    <div>
      <PageHeader
        title="Providers"
        description="What each provider's model costs us, in USD per 1M tokens. A call is priced by the latest row in effect when it happened. A retired model keeps its prices but cannot be chosen for a client."
      />
      <ModelCatalogueCard prices={prices} canEdit={canEdit} />
      {canEdit ? <ModelPriceForm /> : null}
      <ProviderHealthCard health={health} />
      <ExperimentsSection />
    </div>
  );
}
