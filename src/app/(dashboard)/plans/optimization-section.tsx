"use client";
// The plan editor's LLM cost settings (PlanConfig.optimization): the prompt's token budget,
// compression and summaries, routing simple messages to a cheaper model, and degrading to
// it near the cost limit. The server validates them (ZPlanOptimization); its messages come
// back keyed by path ("optimization.routing.maxChars") and sit under the field they are about.
import { useId, type ReactNode } from "react";
import { formatCount } from "@/components/display-format";
import { describeModelPrice, type TCatalogueModel } from "../clients/[id]/provider-model-price";
import { LLM_PROVIDERS, type TLlmProvider } from "@/shared/llm-providers";
import { MAX_CONTEXT_BUDGET_TOKENS, MIN_CONTEXT_BUDGET_TOKENS } from "@/shared/plan-optimization";
import { QUESTION_TYPES } from "@/shared/routing-rules";
import { Field, FieldErrors, INPUT, Section, errorsAt, inputClass, type TFormErrors } from "./plan-form-fields";
import { QUESTION_TYPE_LABELS } from "./plan-optimization-text";
import { toggleQuestionType, type TCheapModel, type TOptimizationFormState } from "./optimization-form-state";

/** Whether the plan's limits (as the form holds them) cap the cost: degradation needs a number there. */
export type TCostLimitState = "set" | "unlimited" | "missing";

const P = "optimization";

/** Messages at `path` and at any path under it ("optimization.routing.cheapQuestionTypes.1"). */
function errorsUnder(errors: TFormErrors, path: string): string[] | undefined {
  const found = Object.entries(errors)
    .filter(([key]) => key === path || key.startsWith(`${path}.`))
    .flatMap(([, messages]) => messages ?? []);
  return found.length ? found : undefined;
}

const keyOf = (entry: TCheapModel) => `${entry.provider}/${entry.model}`;
const isProvider = (provider: string): provider is TLlmProvider => (LLM_PROVIDERS as readonly string[]).includes(provider);

function Checkbox({
  label,
  hint,
  checked,
  disabled,
  errors,
  testId,
  onChange,
}: {
  testId: string;
  label: string;
  hint: ReactNode;
  checked: boolean;
  disabled?: boolean;
  errors?: string[];
  onChange: (checked: boolean) => void;
}) {
  return (
    <div data-testid={testId}>
      <label className={`inline-flex items-start gap-2 text-sm font-medium ${disabled ? "text-gray-400" : "text-gray-700"}`}>
        <input type="checkbox" className="mt-0.5" checked={checked} disabled={disabled} onChange={(event) => onChange(event.target.checked)} />
        <span>{label}</span>
      </label>
      <p className="ml-6 mt-0.5 text-xs text-gray-500">{hint}</p>
      <div className="ml-6">
        <FieldErrors errors={errors} />
      </div>
    </div>
  );
}

function SubHeading({ children }: { children: ReactNode }) {
  return <h3 className="text-sm font-semibold text-gray-900">{children}</h3>;
}

function CheapModelSelect({
  id,
  value,
  catalogue,
  errors,
  onChange,
}: {
  id: string;
  value: TCheapModel | null;
  catalogue: TCatalogueModel[];
  errors?: string[];
  onChange: (value: TCheapModel | null) => void;
}) {
  // Models with a price in effect, and the saved choice even if its price has left the catalogue.
  const models: TCheapModel[] = catalogue.flatMap((entry) => (isProvider(entry.provider) ? [{ provider: entry.provider, model: entry.model }] : []));
  if (value && !models.some((entry) => keyOf(entry) === keyOf(value))) models.push(value);
  const priceOf = (entry: TCheapModel) => catalogue.find((model) => model.provider === entry.provider && model.model === entry.model) ?? null;
  const providers = LLM_PROVIDERS.filter((provider) => models.some((entry) => entry.provider === provider));
  return (
    <select
      id={id}
      value={value ? keyOf(value) : ""}
      onChange={(event) => onChange(models.find((entry) => keyOf(entry) === event.target.value) ?? null)}
      className={inputClass(INPUT, errors)}
    >
      <option value="">Automatic: the cheapest priced model</option>
      {providers.map((provider) => (
        <optgroup key={provider} label={provider}>
          {models
            .filter((entry) => entry.provider === provider)
            .map((entry) => (
              <option key={keyOf(entry)} value={keyOf(entry)}>
                {entry.provider} · {entry.model} — {describeModelPrice(entry.provider, priceOf(entry))}
              </option>
            ))}
        </optgroup>
      ))}
    </select>
  );
}

export function OptimizationSection({
  state,
  errors,
  costLimit,
  catalogue,
  onChange,
}: {
  state: TOptimizationFormState;
  errors: TFormErrors;
  costLimit: TCostLimitState;
  /** Models with a price in effect, for the explicit cheap model. */
  catalogue: TCatalogueModel[];
  onChange: (patch: Partial<TOptimizationFormState>) => void;
}) {
  const ids = { budget: useId(), maxChars: useId(), maxDepth: useId(), cheapModel: useId(), degrade: useId(), types: useId() };
  const hasBudget = state.contextBudgetTokens.trim() !== "";
  const typeErrors = errorsUnder(errors, `${P}.routing.cheapQuestionTypes`);
  const degradeErrors = errors[`${P}.degradeAtCostPercent`];
  const degradeSet = state.degradeAtCostPercent.trim() !== "";

  return (
    <Section
      title="LLM cost"
      testId="plan-optimization-section"
      description="How this plan's chat requests spend less on the LLM provider. Clients on the plan get the changes on their next message."
    >
      <FieldErrors errors={errorsAt(errors, P, `${P}.routing`, `${P}.routing.neverWhenTools`)} />
      <div className="space-y-6">
        <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
          <Field
            label="Context budget (tokens)"
            htmlFor={ids.budget}
            hint={`Most tokens a prompt may have; older turns are left out to fit. Empty: no budget (the last 20 messages). ${formatCount(MIN_CONTEXT_BUDGET_TOKENS)} to ${formatCount(MAX_CONTEXT_BUDGET_TOKENS)}.`}
            errors={errors[`${P}.contextBudgetTokens`]}
            testId="field-context-budget"
          >
            <input
              id={ids.budget}
              type="number"
              min={MIN_CONTEXT_BUDGET_TOKENS}
              max={MAX_CONTEXT_BUDGET_TOKENS}
              step={1}
              value={state.contextBudgetTokens}
              placeholder="No budget"
              onChange={(event) => onChange({ contextBudgetTokens: event.target.value })}
              className={inputClass(`${INPUT} tabular-nums`, errors[`${P}.contextBudgetTokens`])}
            />
          </Field>
          <div className="space-y-3 sm:pt-6">
            <Checkbox
              testId="field-lossless-compression"
              label="Lossless compression"
              hint="Collapses whitespace and repeated pasted blocks; never changes what a message says."
              checked={state.losslessCompression}
              errors={errors[`${P}.losslessCompression`]}
              onChange={(losslessCompression) => onChange({ losslessCompression })}
            />
            <Checkbox
              testId="field-summarize-older-turns"
              label="Summarize older turns"
              hint={
                hasBudget
                  ? "The turns the budget leaves out become one summary, written once by the cheapest model (metered) and reused."
                  : state.summarizeOlderTurns
                    ? "No context budget is set: set one, or untick this."
                    : "Needs a context budget: the summary replaces the turns the budget leaves out."
              }
              checked={state.summarizeOlderTurns}
              // Left enabled while ticked, so a plan saved with it on can still be unticked.
              disabled={!hasBudget && !state.summarizeOlderTurns}
              errors={errors[`${P}.summarizeOlderTurns`]}
              onChange={(summarizeOlderTurns) => onChange({ summarizeOlderTurns })}
            />
          </div>
        </div>

        <div className="space-y-4 border-t border-gray-100 pt-5" data-testid="plan-routing">
          <SubHeading>Routing</SubHeading>
          <Checkbox
            testId="field-routing-enabled"
            label="Send simple messages to a cheaper model"
            hint="Short messages early in a conversation, of the question types ticked below. Messages that need tools always stay on the primary model; each client can also switch routing off."
            checked={state.routingEnabled}
            errors={errors[`${P}.routing.enabled`]}
            onChange={(routingEnabled) => onChange({ routingEnabled })}
          />
          <div className={`grid grid-cols-1 gap-4 sm:grid-cols-3 ${state.routingEnabled ? "" : "opacity-60"}`}>
            <Field label="Max characters" htmlFor={ids.maxChars} hint="A longer message stays on the primary model." errors={errors[`${P}.routing.maxChars`]} testId="field-max-chars">
              <input
                id={ids.maxChars}
                type="number"
                min={1}
                step={1}
                value={state.maxChars}
                onChange={(event) => onChange({ maxChars: event.target.value })}
                className={inputClass(`${INPUT} tabular-nums`, errors[`${P}.routing.maxChars`])}
              />
            </Field>
            <Field label="Max depth (user turns)" htmlFor={ids.maxDepth} hint="A longer conversation stays on the primary model." errors={errors[`${P}.routing.maxDepth`]} testId="field-max-depth">
              <input
                id={ids.maxDepth}
                type="number"
                min={1}
                step={1}
                value={state.maxDepth}
                onChange={(event) => onChange({ maxDepth: event.target.value })}
                className={inputClass(`${INPUT} tabular-nums`, errors[`${P}.routing.maxDepth`])}
              />
            </Field>
            <Field
              label="Cheap model"
              htmlFor={ids.cheapModel}
              hint="Automatic picks the cheapest priced model: the primary's provider first, then the fallback chain."
              errors={errorsUnder(errors, `${P}.routing.cheapModel`)}
              testId="field-cheap-model"
            >
              <CheapModelSelect
                id={ids.cheapModel}
                value={state.cheapModel}
                catalogue={catalogue}
                errors={errorsUnder(errors, `${P}.routing.cheapModel`)}
                onChange={(cheapModel) => onChange({ cheapModel })}
              />
            </Field>
          </div>
          <fieldset aria-describedby={ids.types} className={state.routingEnabled ? "" : "opacity-60"}>
            <legend className="text-sm font-medium text-gray-700">Question types a cheaper model may answer</legend>
            <p id={ids.types} className="mt-0.5 text-xs text-gray-500">
              Every other type stays on the primary model. Greetings and single factual questions are the safe default.
            </p>
            <div className="mt-2 grid grid-cols-1 gap-x-4 gap-y-2 sm:grid-cols-2 lg:grid-cols-3" data-testid="cheap-question-types">
              {QUESTION_TYPES.map((type) => (
                <label key={type} className="flex items-start gap-2 text-sm">
                  <input
                    type="checkbox"
                    className="mt-0.5"
                    checked={state.cheapQuestionTypes.includes(type)}
                    onChange={(event) => onChange({ cheapQuestionTypes: toggleQuestionType(state.cheapQuestionTypes, type, event.target.checked) })}
                  />
                  <span>
                    <span className="text-gray-900">{QUESTION_TYPE_LABELS[type].label}</span>
                    <span className="block text-xs text-gray-500">{QUESTION_TYPE_LABELS[type].example}</span>
                  </span>
                </label>
              ))}
            </div>
            <div data-testid="cheap-question-types-errors">
              <FieldErrors errors={typeErrors} />
            </div>
          </fieldset>
        </div>

        <div className="grid grid-cols-1 gap-4 border-t border-gray-100 pt-5 sm:grid-cols-2">
          <div className="sm:col-span-2">
            <SubHeading>Near the cost limit</SubHeading>
          </div>
          <Field
            label="Degrade at (% of cost limit)"
            htmlFor={ids.degrade}
            hint="Past this share of the costLimitUSD limit every message goes to the cheaper model; at the limit itself requests are refused. Empty: never."
            errors={degradeErrors}
            testId="field-degrade-at"
          >
            <input
              id={ids.degrade}
              type="number"
              min={1}
              max={99}
              step={1}
              value={state.degradeAtCostPercent}
              placeholder="Never"
              onChange={(event) => onChange({ degradeAtCostPercent: event.target.value })}
              className={inputClass(`${INPUT} tabular-nums`, degradeErrors)}
            />
          </Field>
          {degradeSet && costLimit !== "set" ? (
            <p className="self-start rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-800 sm:mt-6" data-testid="degrade-without-cost-limit">
              {costLimit === "unlimited"
                ? "This plan's costLimitUSD is unlimited, so it never degrades: give it a limit above."
                : "This plan has no costLimitUSD limit, so it never degrades: add one under Limits."}
            </p>
          ) : null}
        </div>
      </div>
    </Section>
  );
}
