import { cache } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { api } from "@/trpc/server";
import { getSession } from "@/server/auth/auth-options";
import { ZGetClientInput } from "@/server/clients/get-client";
import { ClientStatusBadge, PlanBadge } from "@/components/status-badges";
import { TabLinks } from "@/components/tab-links";
import { readChoice, type TSearchParams } from "@/components/url-params";
import { OverviewTab } from "./overview-tab";
import { UsageTab } from "./usage-tab";
import { InvoicesTab } from "./invoices-tab";
import { PlanTab } from "./plan-tab";
import { ProviderTab } from "./provider-tab";
import { AlertsTab } from "./alerts-tab";

const TABS = [
  { key: "overview", label: "Overview" },
  { key: "usage", label: "Usage" },
  { key: "invoices", label: "Invoices" },
  { key: "plan", label: "Plan" },
  { key: "provider", label: "Provider" },
  { key: "alerts", label: "Alerts" },
] as const;
type TTab = (typeof TABS)[number]["key"];

type TPageProps = { params: Promise<{ id: string }>; searchParams: Promise<TSearchParams> };

/** The client, or null when the id names none (or is not an id at all). Shared by metadata and page. */
const loadClient = cache(async (id: string) => {
  if (!ZGetClientInput.safeParse({ id }).success) return null;
  try {
    return await api.clients.get({ id });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) return null;
    throw error;
  }
});

export async function generateMetadata({ params }: TPageProps) {
  const client = await loadClient((await params).id);
  return { title: client ? client.name : "Client not found" };
}

export default async function ClientPage({ params, searchParams }: TPageProps) {
  const [{ id }, query] = await Promise.all([params, searchParams]);
  const [client, session] = await Promise.all([loadClient(id), getSession()]);
  if (!client) notFound();
  const degraded = await api.clients.degradedMessages({ clientId: client.id });
  const canEdit = session?.user.role === "admin";
  const tab: TTab = readChoice(query, "tab", TABS.map((t) => t.key)) ?? "overview";
  const overview =
    tab === "overview"
      ? await Promise.all([api.billing.paymentAccounts({ clientId: client.id }), api.billing.providers()]).then(([paymentAccounts, paymentProviders]) => ({
          paymentAccounts,
          paymentProviders,
        }))
      : null;

  return (
    <div>
      <Link href="/clients" className="text-sm text-gray-500 hover:text-gray-900">
        ← Clients
      </Link>
      <div className="mb-6 mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{client.name}</h1>
        <PlanBadge planKey={client.plan.key} name={client.plan.name} />
        <ClientStatusBadge status={client.status} />
        <span className="text-sm text-gray-500">{client.slug}</span>
        {degraded.count > 0 ? (
          <Link
            href={`/clients/${client.id}?tab=provider`}
            data-testid="client-degraded-badge"
            title="Past the plan's share of its cost limit, messages go to the cheaper model instead of being refused."
            className="rounded-full bg-amber-100 px-2.5 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-300 hover:bg-amber-200"
          >
            Degraded: {degraded.count.toLocaleString("en-US")} message{degraded.count === 1 ? "" : "s"} on the cheaper model this month
          </Link>
        ) : null}
      </div>

      <TabLinks
        label="Client sections"
        active={tab}
        tabs={TABS.map((t) => ({
          key: t.key,
          label: t.label,
          href: t.key === "overview" ? `/clients/${client.id}` : `/clients/${client.id}?tab=${t.key}`,
        }))}
      />

      {overview ? <OverviewTab client={client} canEdit={canEdit} paymentAccounts={overview.paymentAccounts} paymentProviders={overview.paymentProviders} /> : null}
      {tab === "usage" ? <UsageTab client={client} /> : null}
      {tab === "invoices" ? <InvoicesTab client={client} /> : null}
      {tab === "plan" ? <PlanTab client={client} /> : null}
      {tab === "provider" ? <ProviderTab client={client} canEdit={canEdit} /> : null}
      {tab === "alerts" ? <AlertsTab client={client} canEdit={canEdit} /> : null}
    </div>
  );
}
