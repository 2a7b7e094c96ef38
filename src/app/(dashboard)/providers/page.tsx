import { Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import { api } from "@/trpc/server";
import { formatDate, formatUnitPrice } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { PageHeader } from "@/components/page-header";
import { ModelPriceStateBadge } from "@/components/status-badges";
import { getSession } from "@/server/auth/auth-options";
import { ModelPriceForm } from "./model-price-form";

export const metadata = { title: "Providers" };

export default async function ProvidersPage() {
  const [prices, session] = await Promise.all([api.providers.modelPrices(), getSession()]);
  return (
    <div>
      <PageHeader
        title="Providers"
        description="What each provider's model costs us, in USD per 1M tokens. A call is priced by the latest row in effect when it happened."
      />
      {prices.length === 0 ? (
        <EmptyState title="No model prices yet">
          Until a model has a price, its calls are recorded with zero cost. An admin adds prices below (the seed adds defaults).
        </EmptyState>
      ) : (
        <Card className="p-0">
          <Table data-testid="model-prices">
            <TableHead>
              <TableRow>
                <TableHeaderCell>Provider</TableHeaderCell>
                <TableHeaderCell>Model</TableHeaderCell>
                <TableHeaderCell className="text-right">Input / 1M</TableHeaderCell>
                <TableHeaderCell className="text-right">Output / 1M</TableHeaderCell>
                <TableHeaderCell className="text-right">Cached input / 1M</TableHeaderCell>
                <TableHeaderCell>Effective from</TableHeaderCell>
                <TableHeaderCell>State</TableHeaderCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {prices.map((price) => (
                <TableRow key={price.id} data-testid="model-price-row" className={price.state === "superseded" ? "opacity-60" : undefined}>
                  <TableCell className="font-medium text-gray-900">{price.provider}</TableCell>
                  <TableCell className="font-mono text-xs">{price.model}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatUnitPrice(price.inputPer1M)}</TableCell>
                  <TableCell className="text-right tabular-nums">{formatUnitPrice(price.outputPer1M)}</TableCell>
                  <TableCell className="text-right tabular-nums">
                    {price.cachedInputPer1M === null ? <span className="text-gray-400">—</span> : formatUnitPrice(price.cachedInputPer1M)}
                  </TableCell>
                  <TableCell>{formatDate(price.effectiveFrom)}</TableCell>
                  <TableCell>
                    <ModelPriceStateBadge state={price.state} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Card>
      )}
      {session?.user.role === "admin" ? <ModelPriceForm /> : null}
    </div>
  );
}
