"use client";
// The plan editor's features: flags and values (the LLM provider and model among them).
import { LLM_PROVIDERS } from "@/shared/plan-config";
import { featureLabel } from "./plan-features";
import {
  FieldErrors,
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
  emptyFeatureRow,
  type TFeatureRow,
} from "./plan-form-state";

function FeatureValueInput({ row, label, errors, onChange }: { row: TFeatureRow; label: string; errors?: string[]; onChange: (value: boolean | string) => void }) {
  if (typeof row.value === "boolean") {
    return (
      <label className="inline-flex items-center gap-2 pt-1.5 text-sm">
        <input type="checkbox" checked={row.value} aria-label={label} onChange={(event) => onChange(event.target.checked)} />
        <span>{row.value ? "On" : "Off"}</span>
      </label>
    );
  }
  if (row.name.trim() === "llmProvider") {
    const known = (LLM_PROVIDERS as readonly string[]).includes(row.value);
    return (
      <select aria-label={label} value={row.value} onChange={(event) => onChange(event.target.value)} className={inputClass(SMALL_INPUT, errors)}>
        {known ? null : <option value={row.value}>{row.value || "Choose a provider"}</option>}
        {LLM_PROVIDERS.map((provider) => (
          <option key={provider} value={provider}>
            {provider}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input aria-label={label} value={row.value} onChange={(event) => onChange(event.target.value)} className={inputClass(SMALL_INPUT, errors)} />
  );
}

export function FeaturesSection({ rows, errors, onChange }: { rows: TFeatureRow[]; errors: TFormErrors; onChange: (rows: TFeatureRow[]) => void }) {
  return (
    <Section
      title="Features"
      testId="plan-features-section"
      description={
        <>
          On/off flags and settings. <code>llmProvider</code> and <code>llmModel</code> choose the plan&apos;s default model.
        </>
      }
    >
      <FieldErrors errors={errors.features} />
      <div className="divide-y divide-gray-100">
        {rows.map((row) => {
          const rowErrors = errorsAt(errors, `features.${row.name.trim()}`, `features#${row.id}`);
          const label = row.name.trim() || "new feature";
          return (
            <div key={row.id} data-testid="feature-row" data-feature={row.name} className="grid grid-cols-12 items-start gap-4 py-2">
              <div className="col-span-5">
                {row.isNew ? (
                  <input
                    aria-label="New feature name"
                    value={row.name}
                    placeholder={typeof row.value === "boolean" ? "e.g. webhooksEnabled" : "e.g. supportLevel"}
                    onChange={(event) => onChange(replaceRow(rows, row.id, { name: event.target.value }))}
                    className={inputClass(`${SMALL_INPUT} font-mono`, rowErrors)}
                  />
                ) : (
                  <>
                    <span className="text-sm font-medium text-gray-900">{featureLabel(row.name)}</span>
                    <span className="block font-mono text-xs text-gray-400">{row.name}</span>
                  </>
                )}
              </div>
              <div className="col-span-5">
                <FeatureValueInput
                  row={row}
                  label={`Feature ${label}`}
                  errors={rowErrors}
                  onChange={(value) => onChange(replaceRow(rows, row.id, { value }))}
                />
                <FieldErrors errors={rowErrors} />
              </div>
              <div className="col-span-2 text-right">
                <button type="button" className={REMOVE_BUTTON} aria-label={`Remove feature ${label}`} onClick={() => onChange(rows.filter((r) => r.id !== row.id))}>
                  Remove
                </button>
              </div>
            </div>
          );
        })}
      </div>
      <div className="mt-3 flex gap-4">
        <button type="button" className={LINK_BUTTON} onClick={() => onChange([...rows, emptyFeatureRow("boolean")])}>
          + Add an on/off flag
        </button>
        <button type="button" className={LINK_BUTTON} onClick={() => onChange([...rows, emptyFeatureRow("string")])}>
          + Add a text setting
        </button>
      </div>
    </Section>
  );
}

// ---------------------------------------------------------------------------
// Pricing
// ---------------------------------------------------------------------------
