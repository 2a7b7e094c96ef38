"use client";
// The plan editor's pricing: base cost, currency, multiplier, and per-metric unit prices
// with included units and tiers.
import { useId } from "react";
import { formatMetricName } from "@/components/display-format";
import { USAGE_METRICS } from "@/shared/plan-config";
import {
  FieldErrors,
  Field,
  INPUT,
  LINK_BUTTON,
  REMOVE_BUTTON,
  SMALL_INPUT,
  Section,
  inputClass,
  errorsAt,
  replaceRow,
  type TFormErrors,
} from "./plan-form-fields";
import {
  emptyMetricPriceRow,
  emptyTierRow,
  type TMetricPriceRow,
  type TPlanFormState,
  type TTierMode,
} from "./plan-form-state";

function TiersEditor({ row, errors, onChange }: { row: TMetricPriceRow; errors: TFormErrors; onChange: (patch: Partial<TMetricPriceRow>) => void }) {
  const base = `pricing.metrics.${row.metric.trim()}.tiers`;
  const modeId = useId();
  return (
    <div className="mt-3 rounded-md bg-gray-50 p-3" data-testid="tiers-editor">
      <div className="flex flex-wrap items-center gap-3">
        <label htmlFor={modeId} className="text-xs font-medium text-gray-600">
          Tier mode
        </label>
        <select
          id={modeId}
          value={row.tierMode}
          onChange={(event) => onChange({ tierMode: event.target.value as TTierMode })}
          className={`${SMALL_INPUT} w-auto`}
        >
          <option value="graduated">Graduated: each tier prices the units inside it</option>
          <option value="volume">Volume: the tier reached prices every unit</option>
        </select>
      </div>
      <FieldErrors errors={errorsAt(errors, base, `${base}.tiers`)} />
      <table className="mt-2 w-full text-sm">
        <thead>
          <tr className="text-left text-xs text-gray-500">
            <th className="pb-1 font-medium">Tier</th>
            <th className="pb-1 font-medium">Up to (units, inclusive)</th>
            <th className="pb-1 font-medium">Unit price</th>
            <th className="pb-1" />
          </tr>
        </thead>
        <tbody>
          {row.tiers.map((tier, index) => {
            const upToErrors = errors[`${base}.tiers.${index}.upTo`];
            const priceErrors = errors[`${base}.tiers.${index}.unitPrice`];
            return (
              <tr key={tier.id} className="align-top" data-testid="tier-row">
                <td className="py-1 pr-3 text-gray-500">{index + 1}</td>
                <td className="py-1 pr-3">
                  <input
                    type="number"
                    min={1}
                    step={1}
                    aria-label={`Tier ${index + 1} up to`}
                    value={tier.upTo}
                    placeholder="No upper bound"
                    onChange={(event) => onChange({ tiers: replaceRow(row.tiers, tier.id, { upTo: event.target.value }) })}
                    className={inputClass(SMALL_INPUT, upToErrors)}
                  />
                  <FieldErrors errors={upToErrors} />
                </td>
                <td className="py-1 pr-3">
                  <input
                    inputMode="decimal"
                    aria-label={`Tier ${index + 1} unit price`}
                    value={tier.unitPrice}
                    onChange={(event) => onChange({ tiers: replaceRow(row.tiers, tier.id, { unitPrice: event.target.value }) })}
                    className={inputClass(`${SMALL_INPUT} font-mono`, priceErrors)}
                  />
                  <FieldErrors errors={priceErrors} />
                </td>
                <td className="py-1 text-right">
                  <button
                    type="button"
                    className={REMOVE_BUTTON}
                    aria-label={`Remove tier ${index + 1}`}
                    onClick={() => onChange({ tiers: row.tiers.filter((t) => t.id !== tier.id) })}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="mt-2 flex items-center justify-between">
        <button type="button" className={LINK_BUTTON} onClick={() => onChange({ tiers: [...row.tiers, emptyTierRow()] })}>
          + Add a tier
        </button>
        <p className="text-xs text-gray-500">Tiers ascend; leave the last tier&apos;s bound empty so every quantity has a price.</p>
      </div>
    </div>
  );
}

function MetricPriceRow({
  row,
  errors,
  currency,
  onChange,
  onRemove,
}: {
  row: TMetricPriceRow;
  errors: TFormErrors;
  currency: string;
  onChange: (patch: Partial<TMetricPriceRow>) => void;
  onRemove: () => void;
}) {
  const metric = row.metric.trim();
  const path = `pricing.metrics.${metric}`;
  const label = metric || "new metric";
  const nameErrors = errorsAt(errors, path, `pricing.metrics#${row.id}`);
  const ids = { unitPrice: useId(), unit: useId(), included: useId() };
  return (
    <div className="py-4" data-testid="metric-price-row" data-metric={row.metric}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div className="min-w-48">
          {row.isNew ? (
            <input
              aria-label="New priced metric"
              list="usage-metrics"
              value={row.metric}
              placeholder="e.g. outputTokens"
              onChange={(event) => onChange({ metric: event.target.value })}
              className={inputClass(`${SMALL_INPUT} font-mono`, nameErrors)}
            />
          ) : (
            <>
              <span className="text-sm font-medium text-gray-900">{formatMetricName(metric)}</span>
              <span className="block font-mono text-xs text-gray-400">{metric}</span>
            </>
          )}
          <FieldErrors errors={nameErrors} />
        </div>
        <button type="button" className={REMOVE_BUTTON} aria-label={`Remove price for ${label}`} onClick={onRemove}>
          Remove
        </button>
      </div>
      <div className="mt-2 grid grid-cols-1 gap-4 sm:grid-cols-4">
        <Field label={`Unit price (${currency || "—"})`} htmlFor={ids.unitPrice} errors={errors[`${path}.unitPrice`]}>
          <input
            id={ids.unitPrice}
            aria-label={`Unit price for ${label}`}
            inputMode="decimal"
            value={row.unitPrice}
            onChange={(event) => onChange({ unitPrice: event.target.value })}
            className={inputClass(`${SMALL_INPUT} font-mono`, errors[`${path}.unitPrice`])}
          />
        </Field>
        <Field label="Per units" htmlFor={ids.unit} hint="e.g. 1000 for a price per thousand tokens" errors={errors[`${path}.unit`]}>
          <input
            id={ids.unit}
            aria-label={`Price unit for ${label}`}
            type="number"
            min={1}
            step={1}
            value={row.unit}
            onChange={(event) => onChange({ unit: event.target.value })}
            className={inputClass(SMALL_INPUT, errors[`${path}.unit`])}
          />
        </Field>
        <Field label="Included units" htmlFor={ids.included} hint="Free each period" errors={errors[`${path}.includedUnits`]}>
          <input
            id={ids.included}
            aria-label={`Included units for ${label}`}
            type="number"
            min={0}
            step={1}
            value={row.includedUnits}
            onChange={(event) => onChange({ includedUnits: event.target.value })}
            className={inputClass(SMALL_INPUT, errors[`${path}.includedUnits`])}
          />
        </Field>
        <div className="pt-6">
          <label className="inline-flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={row.tiered}
              aria-label={`Tiered pricing for ${label}`}
              onChange={(event) => onChange({ tiered: event.target.checked })}
            />
            <span>Tiered pricing</span>
          </label>
        </div>
      </div>
      {row.tiered ? <TiersEditor row={row} errors={errors} onChange={onChange} /> : null}
    </div>
  );
}

export function PricingSection({
  state,
  errors,
  onChange,
}: {
  state: TPlanFormState;
  errors: TFormErrors;
  onChange: (patch: Partial<TPlanFormState>) => void;
}) {
  const ids = { baseCost: useId(), currency: useId(), multiplier: useId(), proration: useId() };
  const rows = state.metricPrices;
  const unpriced = USAGE_METRICS.filter((metric) => !rows.some((row) => row.metric.trim() === metric));
  return (
    <Section title="Pricing" testId="plan-pricing-section" description="Money is entered as a decimal, e.g. 29 or 0.002 (up to 10 decimals).">
      <FieldErrors errors={errors.pricing} />
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-4">
        <Field label="Base cost per month" htmlFor={ids.baseCost} errors={errors["pricing.baseCost"]}>
          <input
            id={ids.baseCost}
            inputMode="decimal"
            value={state.baseCost}
            onChange={(event) => onChange({ baseCost: event.target.value })}
            className={inputClass(`${INPUT} font-mono`, errors["pricing.baseCost"])}
          />
        </Field>
        <Field label="Currency" htmlFor={ids.currency} hint="ISO 4217, e.g. USD" errors={errors["pricing.currency"]}>
          <input
            id={ids.currency}
            value={state.currency}
            maxLength={3}
            onChange={(event) => onChange({ currency: event.target.value.toUpperCase() })}
            className={inputClass(`${INPUT} font-mono uppercase`, errors["pricing.currency"])}
          />
        </Field>
        <Field label="Usage multiplier" htmlFor={ids.multiplier} hint="1.2 adds 20% to every usage line" errors={errors["pricing.usageMultiplier"]}>
          <input
            id={ids.multiplier}
            inputMode="decimal"
            value={state.usageMultiplier}
            onChange={(event) => onChange({ usageMultiplier: event.target.value })}
            className={inputClass(`${INPUT} font-mono`, errors["pricing.usageMultiplier"])}
          />
        </Field>
        <Field label="Proration on plan change" htmlFor={ids.proration} errors={errors["pricing.prorationMode"]}>
          <select
            id={ids.proration}
            value={state.prorationMode}
            onChange={(event) => onChange({ prorationMode: event.target.value as TPlanFormState["prorationMode"] })}
            className={INPUT}
          >
            <option value="none">None: no credit or charge</option>
            <option value="daily">Daily: by whole days left</option>
            <option value="exact">Exact: to the second</option>
          </select>
        </Field>
      </div>

      <h3 className="mt-6 text-sm font-semibold text-gray-900">Usage prices</h3>
      <p className="text-xs text-gray-500">Keyed by usage counter (messages, tokens, toolCalls, …); charged above the included units.</p>
      <FieldErrors errors={errors["pricing.metrics"]} />
      <datalist id="usage-metrics">
        {unpriced.map((metric) => (
          <option key={metric} value={metric} />
        ))}
      </datalist>
      {rows.length === 0 ? <p className="mt-3 text-sm text-gray-500">No usage prices: usage is included in the base cost.</p> : null}
      <div className="divide-y divide-gray-100">
        {rows.map((row) => (
          <MetricPriceRow
            key={row.id}
            row={row}
            errors={errors}
            currency={state.currency}
            onChange={(patch) => onChange({ metricPrices: replaceRow(rows, row.id, patch) })}
            onRemove={() => onChange({ metricPrices: rows.filter((r) => r.id !== row.id) })}
          />
        ))}
      </div>
      <button type="button" className={`${LINK_BUTTON} mt-3`} onClick={() => onChange({ metricPrices: [...rows, emptyMetricPriceRow()] })}>
        + Add a usage price
      </button>
    </Section>
  );
}
