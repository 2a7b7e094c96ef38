"use client";
// The plan editor's limits: one row per metric, a number or unlimited; messages keyed by
// the row's path ("limits.<metric>") or, for names the form rejects itself, its id ("limits#<id>").
import { type ReactNode } from "react";
import { formatMetricName } from "@/components/display-format";
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
  emptyLimitRow,
  type TLimitRow,
} from "./plan-form-state";

export function LimitsSection({
  rows,
  errors,
  onChange,
  impact,
}: {
  rows: TLimitRow[];
  errors: TFormErrors;
  onChange: (rows: TLimitRow[]) => void;
  /** The "Preview impact" control and its answer, shown under the table. */
  impact?: ReactNode;
}) {
  return (
    <Section
      title="Limits"
      testId="plan-limits-section"
      description={
        <>
          Per billing period; tick <em>Unlimited</em> for no limit. A limit named <code>&lt;counter&gt;PerMonth</code> caps that
          monthly counter (messages, conversations, tokens, inputTokens, outputTokens, toolCalls), so a new metric needs no code.
        </>
      }
    >
      <FieldErrors errors={errors.limits} />
      <table className="w-full text-sm">
        <thead>
          <tr className="text-left text-xs uppercase tracking-wide text-gray-500">
            <th className="pb-2 font-medium">Metric</th>
            <th className="w-48 pb-2 font-medium">Limit</th>
            <th className="w-32 pb-2 font-medium">Unlimited</th>
            <th className="w-16 pb-2" />
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {rows.map((row) => {
            const rowErrors = errorsAt(errors, `limits.${row.metric.trim()}`, `limits#${row.id}`);
            const label = row.metric.trim() || "new metric";
            return (
              <tr key={row.id} data-testid="limit-row" data-metric={row.metric} className="align-top">
                <td className="py-2 pr-4">
                  {row.isNew ? (
                    <input
                      aria-label="New metric name"
                      value={row.metric}
                      placeholder="e.g. outputTokensPerMonth"
                      onChange={(event) => onChange(replaceRow(rows, row.id, { metric: event.target.value }))}
                      className={inputClass(`${SMALL_INPUT} font-mono`, rowErrors)}
                    />
                  ) : (
                    <>
                      <span className="font-medium text-gray-900">{formatMetricName(row.metric)}</span>
                      <span className="block font-mono text-xs text-gray-400">{row.metric}</span>
                    </>
                  )}
                  <FieldErrors errors={rowErrors} />
                </td>
                <td className="py-2 pr-4">
                  <input
                    type="number"
                    min={0}
                    step="any"
                    aria-label={`Limit for ${label}`}
                    value={row.unlimited ? "" : row.value}
                    placeholder={row.unlimited ? "Unlimited" : undefined}
                    disabled={row.unlimited}
                    onChange={(event) => onChange(replaceRow(rows, row.id, { value: event.target.value }))}
                    className={inputClass(`${SMALL_INPUT} tabular-nums disabled:bg-gray-100`, rowErrors)}
                  />
                </td>
                <td className="py-2 pr-4">
                  <label className="inline-flex items-center gap-2 pt-1.5">
                    <input
                      type="checkbox"
                      checked={row.unlimited}
                      aria-label={`Unlimited ${label}`}
                      onChange={(event) => onChange(replaceRow(rows, row.id, { unlimited: event.target.checked }))}
                    />
                    <span>Unlimited</span>
                  </label>
                </td>
                <td className="py-2 text-right">
                  <button
                    type="button"
                    className={REMOVE_BUTTON}
                    aria-label={`Remove limit ${label}`}
                    onClick={() => onChange(rows.filter((r) => r.id !== row.id))}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" className={`${LINK_BUTTON} mt-3`} onClick={() => onChange([...rows, emptyLimitRow()])}>
        + Add a limit
      </button>
      {impact ? <div className="mt-5 border-t border-gray-100 pt-4">{impact}</div> : null}
    </Section>
  );
}

// ---------------------------------------------------------------------------
// Features
// ---------------------------------------------------------------------------
