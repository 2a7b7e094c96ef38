// The ModelPrice table (USD per 1M tokens): every price row with its effective date and
// state, retired models flagged. Admins retire or unretire a model from its newest row.
import { Badge, Card, Table, TableBody, TableCell, TableHead, TableHeaderCell, TableRow } from "@tremor/react";
import type { TModelPriceRow } from "@/server/model-prices/list-model-prices";
import { formatDate, formatUnitPrice } from "@/components/display-format";
import { EmptyState } from "@/components/empty-state";
import { ModelPriceStateBadge } from "@/components/status-badges";
import { RetireModelButton } from "./retire-model-button";

export function ModelCatalogueCard({ prices, canEdit }: { prices: TModelPriceRow[]; canEdit: boolean }) {
  if (prices.length === 0) {
    return (
      <EmptyState title="No model prices yet">
        Until a model has a price, its calls are recorded with zero cost. An admin adds prices below (the seed adds defaults).
      </EmptyState>
    );
  }
  // Rows come newest first per model: the first row of a model carries its retire action.
  const firstOfModel = new Set<string>();
  const seen = new Set<string>();
  for (const price of prices) {
    const key = `${price.provider}/${price.model}`;
    if (!seen.has(key)) firstOfModel.add(price.id);
    seen.add(key);
  }
  return (
    <Card className="p-0">
      <Table data-testid="model-prices">
        <TableHead>
          <TableRow>
            <TableHeaderCell>Provider</TableHeaderCell>
            <TableHeaderCell>Model</TableHeaderCell>
            <TableHeaderCell className="text-right">Input</TableHeaderCell>
            <TableHeaderCell className="text-right">Output</TableHeaderCell>
            <TableHeaderCell className="text-right">Cached input</TableHeaderCell>
            <TableHeaderCell>Effective from</TableHeaderCell>
            <TableHeaderCell>State</TableHeaderCell>
            {canEdit ? (
              <TableHeaderCell className="text-right">
                <span className="sr-only">Retire or unretire</span>
              </TableHeaderCell>
            ) : null}
          </TableRow>
        </TableHead>
        <TableBody>
          {prices.map((price) => (
            <TableRow
              key={price.id}
              data-testid="model-price-row"
              data-model={`${price.provider}/${price.model}`}
              className={price.state === "superseded" ? "opacity-60" : undefined}
            >
              <TableCell className="font-medium text-gray-900">{price.provider}</TableCell>
              <TableCell className="font-mono text-xs">
                {price.model}
                {price.retiredAt ? (
                  <span className="ml-2 inline-block align-middle" title={`Retired ${formatDate(price.retiredAt)}: cannot be chosen for a client`}>
                    <Badge color="amber" size="xs" data-testid="retired-badge">
                      Retired
                    </Badge>
                  </span>
                ) : null}
              </TableCell>
              <TableCell className="text-right tabular-nums">{formatUnitPrice(price.inputPer1M)}</TableCell>
              <TableCell className="text-right tabular-nums">{formatUnitPrice(price.outputPer1M)}</TableCell>
              <TableCell className="text-right tabular-nums">
                {price.cachedInputPer1M === null ? <span className="text-gray-400">—</span> : formatUnitPrice(price.cachedInputPer1M)}
              </TableCell>
              <TableCell>{formatDate(price.effectiveFrom)}</TableCell>
              <TableCell>
                <ModelPriceStateBadge state={price.state} />
              </TableCell>
              {canEdit ? (
                <TableCell className="text-right">
                  {firstOfModel.has(price.id) ? <RetireModelButton provider={price.provider} model={price.model} retired={price.retiredAt !== null} /> : null}
                </TableCell>
              ) : null}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
