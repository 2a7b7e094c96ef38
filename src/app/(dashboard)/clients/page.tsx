import Link from "next/link";
import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import { api } from "@/trpc/server";
import { ClientFilters } from "@/components/client-filters";
import { formatCount, formatDate, formatMoney } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { Pagination, hrefWith } from "@/components/pagination";
import { ClientStatusBadge, PlanBadge } from "@/components/status-badges";
import { readChoice, readPage, readParam, type TSearchParams } from "@/components/url-params";

export const metadata = { title: "Clients" };

const STATUSES = ["active", "suspended", "cancelled"] as const;

export default async function ClientsPage({ searchParams }: { searchParams: Promise<TSearchParams> }) {
  const params = await searchParams;
  const search = readParam(params, "search", 100);
  const planKey = readParam(params, "plan", 50);
  const status = readChoice(params, "status", STATUSES);
  const page = readPage(params);

  const [list, plans] = await Promise.all([
    api.clients.list({ search, planKey, status, page }),
    api.plans.list(),
  ]);
  const filters = { search, plan: planKey, status };
  const filtered = Boolean(search || planKey || status);
  const planName = plans.find((plan) => plan.key === planKey)?.name ?? planKey;

  return (
    <div>
      <PageHeader title="Clients" description="Tenants, their plans and this period's usage." />
      <ClientFilters
        key={`${search ?? ""}|${planKey ?? ""}|${status ?? ""}`}
        plans={plans.map(({ key, name }) => ({ key, name }))}
        search={search ?? ""}
        plan={planKey ?? ""}
        status={status ?? ""}
      />

      {list.total === 0 ? (
        filtered ? (
          <EmptyState
            title={`No clients match ${describeFilters(search, planName, status)}`}
            action={
              <Link href="/clients" className="font-medium text-blue-600 hover:underline">
                Clear filters
              </Link>
            }
          >
            Try another name, slug or email, or widen the plan and status filters.
          </EmptyState>
        ) : (
          <EmptyState title="No clients yet">Clients appear here once they are created or seeded.</EmptyState>
        )
      ) : list.items.length === 0 ? (
        <EmptyState
          title={`Page ${list.page} is past the end of the list`}
          action={
            <Link href={hrefWith("/clients", { ...filters, page: String(list.pageCount) })} className="font-medium text-blue-600 hover:underline">
              Go to the last page
            </Link>
          }
        />
      ) : (
        <Card className="p-0">
          <Table>
            <TableHead>
              <TableRow>
                <TableHeaderCell>Client</TableHeaderCell>
                <TableHeaderCell>Plan</TableHeaderCell>
                <TableHeaderCell>Status</TableHeaderCell>
                <TableHeaderCell className="text-right">Messages this period</TableHeaderCell>
                <TableHeaderCell className="text-right">Cost this period</TableHeaderCell>
                <TableHeaderCell>Created</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.items.map((client) => (
                <TableRow key={client.id} data-testid="client-row" data-client-id={client.id}>
                  <TableCell>
                    <Link href={`/clients/${client.id}`} className="font-medium text-gray-900 hover:text-blue-700">
                      {client.name}
                    </Link>
                    <div className="text-xs text-gray-500">
                      {client.slug} · {client.billingEmail}
                    </div>
                  </TableCell>
                  <TableCell>
                    <PlanBadge planKey={client.planKey} name={client.planName} />
                  </TableCell>
                  <TableCell>
                    <ClientStatusBadge status={client.status} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">{formatCount(client.messagesThisPeriod)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatMoney(client.costUsdThisPeriod)}</TableCell>
                  <TableCell>{formatDate(client.createdAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}

      {list.total > 0 ? (
        <Pagination
          basePath="/clients"
          params={filters}
          page={list.page}
          pageCount={list.pageCount}
          total={list.total}
          pageSize={list.pageSize}
          noun="clients"
        />
      ) : null}
    </div>
  );
}

function describeFilters(search: string | undefined, planName: string | undefined, status: string | undefined): string {
  const parts = [
    search ? `“${search}”` : null,
    planName ? `on plan ${planName}` : null,
    status ? `with status ${status}` : null,
  ].filter(Boolean);
  return parts.join(" ");
}
