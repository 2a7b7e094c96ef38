"use client";
// An admin picks the model that answers this client (or the plan's default) and the
// ordered fallback chain, from the models with a price in effect. Retired models are shown
// disabled ("retired"): the server refuses them. Saving asks for a confirmation that shows
// what changes; the next chat request uses the new choice.
import { Card, Text, Title } from "@tremor/react";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ActionDialog, ConfirmSummary, DialogFooter, ServerError } from "@/components/action-dialog";
import { useTRPC } from "@/trpc/react";
import { BILLING_INPUT, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import { describeModelPrice, type TCatalogueModel } from "./provider-model-price";

type TEntry = { provider: string; model: string };
/** The server checks the provider name; the form offers only the catalogue's. */
type TProviderEntry = { provider: "ollama" | "anthropic" | "openai"; model: string };
type TSettings = { override: TEntry | null; fallbackChain: TEntry[] };

/** At most this many fallback steps (the server refuses more). */
const MAX_FALLBACK_STEPS = 5;
const SMALL_BUTTON =
  "rounded-md border border-gray-300 bg-white px-2 py-1 text-xs font-medium text-gray-700 hover:bg-gray-50 disabled:cursor-not-allowed disabled:opacity-40";

const keyOf = (entry: TEntry) => `${entry.provider}/${entry.model}`;
const labelOf = (entry: TEntry) => `${entry.provider} · ${entry.model}`;
const fromKey = (key: string): TEntry => {
  const slash = key.indexOf("/");
  return { provider: key.slice(0, slash), model: key.slice(slash + 1) };
};

type TErrorShape = {
  message: string;
  data?: { zodError?: { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> } | null; appError?: { issues?: { field: string; message: string }[] } | null } | null;
};

/** Every message the server gave, field by field (zod's or the domain's), else its one message. */
function errorMessages(error: TErrorShape | null): string[] {
  if (!error) return [];
  const zod = error.data?.zodError;
  const fromZod = zod ? [...(zod.formErrors ?? []), ...Object.entries(zod.fieldErrors ?? {}).flatMap(([field, messages]) => (messages ?? []).map((m) => `${field}: ${m}`))] : [];
  const fromDomain = error.data?.appError?.issues?.map((issue) => issue.message) ?? [];
  const all = [...fromZod, ...fromDomain];
  return all.length > 0 ? all : [error.message];
}

export function ProviderSettingsForm({
  clientId,
  clientName,
  planDefault,
  planDefaultPrice,
  saved,
  catalogue,
}: {
  clientId: string;
  clientName: string;
  planDefault: string | null;
  /** The plan default's price, as describeModelPrice says it. */
  planDefaultPrice: string | null;
  saved: TSettings;
  catalogue: TCatalogueModel[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [override, setOverride] = useState<TEntry | null>(saved.override);
  const [chain, setChain] = useState<TEntry[]>(saved.fallbackChain);
  const [adding, setAdding] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [savedNote, setSavedNote] = useState(false);

  const save = useMutation(
    trpc.clients.setProvider.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        setSavedNote(true);
        router.refresh();
      },
    }),
  );

  const priceOf = (entry: TEntry) => catalogue.find((model) => model.provider === entry.provider && model.model === entry.model) ?? null;
  const isRetired = (entry: TEntry) => priceOf(entry)?.retired === true;
  const describe = (entry: TEntry) => `${labelOf(entry)} — ${describeModelPrice(entry.provider, priceOf(entry))}${isRetired(entry) ? " (retired)" : ""}`;
  // Saved choices that left the catalogue (a price not in effect, set by SQL) stay listed so the form shows them.
  const known = new Map(catalogue.map((model) => [keyOf(model), { provider: model.provider, model: model.model }]));
  for (const entry of [saved.override, ...saved.fallbackChain]) if (entry && !known.has(keyOf(entry))) known.set(keyOf(entry), entry);
  const providers = [...new Set([...known.values()].map((entry) => entry.provider))];
  const options = (exclude: Set<string>) =>
    providers.map((provider) => (
      <optgroup key={provider} label={provider}>
        {[...known.values()]
          .filter((entry) => entry.provider === provider && !exclude.has(keyOf(entry)))
          .map((entry) => (
            <option key={keyOf(entry)} value={keyOf(entry)} disabled={isRetired(entry)}>
              {entry.provider} · {entry.model} — {isRetired(entry) ? "retired" : describeModelPrice(entry.provider, priceOf(entry))}
            </option>
          ))}
      </optgroup>
    ));

  const inChain = new Set(chain.map(keyOf));
  const addable = new Set([...(override ? [keyOf(override)] : []), ...inChain]);
  const changed = JSON.stringify({ override, chain }) !== JSON.stringify({ override: saved.override, chain: saved.fallbackChain });

  function edit(next: () => void) {
    setSavedNote(false);
    save.reset();
    next();
  }
  function move(index: number, by: -1 | 1) {
    edit(() =>
      setChain((steps) => {
        const next = [...steps];
        const [step] = next.splice(index, 1);
        next.splice(index + by, 0, step!);
        return next;
      }),
    );
  }
  function chooseOverride(key: string) {
    edit(() => {
      const entry = key ? fromKey(key) : null;
      setOverride(entry);
      // The override is tried first: the same model later in the chain would be tried twice.
      if (entry) setChain((steps) => steps.filter((step) => keyOf(step) !== key));
    });
  }

  const primaryText = (value: TEntry | null) => (value ? describe(value) : `Plan default${planDefault ? ` (${planDefault})` : ""}`);
  const chainText = (steps: TEntry[]) =>
    steps.length === 0 ? (
      "none"
    ) : (
      <ol className="list-decimal pl-4">
        {steps.map((step) => (
          <li key={keyOf(step)}>{labelOf(step)}</li>
        ))}
      </ol>
    );

  return (
    <Card data-testid="provider-settings">
      <Title>Change provider</Title>
      <Text>Models come from the price catalogue (USD per 1M tokens); a paid model needs a price in effect. The next chat request uses what you save.</Text>

      <label className="mt-4 block text-sm">
        <span className="font-medium text-gray-700">Primary model</span>
        <select
          className={`${BILLING_INPUT} mt-1 block w-full max-w-2xl`}
          value={override ? keyOf(override) : ""}
          onChange={(event) => chooseOverride(event.target.value)}
          data-testid="override-select"
        >
          <option value="">Plan default{planDefault ? ` (${planDefault}${planDefaultPrice ? ` — ${planDefaultPrice}` : ""})` : ""}</option>
          {options(new Set())}
        </select>
      </label>

      <div className="mt-6">
        <p className="text-sm font-medium text-gray-700">Fallback chain</p>
        <p className="text-xs text-gray-500">Tried in this order when the model before fails; at most {MAX_FALLBACK_STEPS} steps.</p>
        {chain.length === 0 ? (
          <p className="mt-2 text-sm text-gray-500" data-testid="chain-editor-empty">
            No fallback: a failure of the primary model fails the request.
          </p>
        ) : (
          <ol className="mt-2 max-w-2xl space-y-2" data-testid="chain-editor">
            {chain.map((step, index) => (
              <li key={keyOf(step)} data-testid="chain-step" className="flex flex-wrap items-center gap-2 rounded-md border border-gray-200 px-3 py-2 text-sm">
                <span className="flex h-6 w-6 items-center justify-center rounded-full bg-gray-100 text-xs font-medium text-gray-600">{index + 1}</span>
                <span className="min-w-0 flex-1">
                  <span className="font-medium text-gray-900">{step.provider}</span> <span className="font-mono text-gray-600">{step.model}</span>
                  <span className="block text-xs text-gray-500">{describeModelPrice(step.provider, priceOf(step))}</span>
                  {isRetired(step) ? <span className="block text-xs font-medium text-amber-700">retired: remove it to save</span> : null}
                </span>
                <button type="button" className={SMALL_BUTTON} onClick={() => move(index, -1)} disabled={index === 0} aria-label={`Move ${labelOf(step)} up`}>
                  ↑ Up
                </button>
                <button type="button" className={SMALL_BUTTON} onClick={() => move(index, 1)} disabled={index === chain.length - 1} aria-label={`Move ${labelOf(step)} down`}>
                  ↓ Down
                </button>
                <button type="button" className={SMALL_BUTTON} onClick={() => edit(() => setChain((steps) => steps.filter((_, i) => i !== index)))} aria-label={`Remove ${labelOf(step)}`}>
                  Remove
                </button>
              </li>
            ))}
          </ol>
        )}
        <div className="mt-3 flex max-w-2xl flex-wrap items-center gap-2">
          <select
            className={`${BILLING_INPUT} min-w-0 flex-1`}
            value={adding}
            onChange={(event) => setAdding(event.target.value)}
            disabled={chain.length >= MAX_FALLBACK_STEPS}
            aria-label="Fallback model to add"
            data-testid="chain-add-select"
          >
            <option value="">{chain.length >= MAX_FALLBACK_STEPS ? `The chain is full (${MAX_FALLBACK_STEPS} steps)` : "Choose a model to add…"}</option>
            {options(addable)}
          </select>
          <button
            type="button"
            className={BILLING_SECONDARY_BUTTON}
            disabled={!adding || addable.has(adding) || chain.length >= MAX_FALLBACK_STEPS}
            onClick={() =>
              edit(() => {
                setChain((steps) => [...steps, fromKey(adding)]);
                setAdding("");
              })
            }
          >
            Add to chain
          </button>
        </div>
      </div>

      <div className="mt-6 flex flex-wrap items-center gap-3">
        <button type="button" className={BILLING_PRIMARY_BUTTON} disabled={!changed} onClick={() => setConfirming(true)}>
          Save provider settings…
        </button>
        <button
          type="button"
          className={BILLING_SECONDARY_BUTTON}
          disabled={!changed}
          onClick={() =>
            edit(() => {
              setOverride(saved.override);
              setChain(saved.fallbackChain);
            })
          }
        >
          Discard changes
        </button>
        {savedNote && !changed ? (
          <span role="status" className="text-sm text-green-700" data-testid="provider-saved">
            Saved. The next chat request uses it.
          </span>
        ) : null}
      </div>

      {confirming ? (
        <ActionDialog
          title={`Change the provider of ${clientName}?`}
          description="The next chat request is answered with these settings. The change is recorded in the audit log."
          onClose={() => {
            setConfirming(false);
            save.reset();
          }}
          testId="provider-confirm-dialog"
        >
          <div className="space-y-4">
            <ConfirmSummary
              rows={[
                { label: "Primary, now", value: primaryText(saved.override) },
                { label: "Primary, after", value: <strong>{primaryText(override)}</strong> },
                { label: "Fallback, now", value: chainText(saved.fallbackChain) },
                { label: "Fallback, after", value: <strong>{chainText(chain)}</strong> },
              ]}
            />
            <ServerError message={save.error ? `Not saved: ${errorMessages(save.error as TErrorShape).join("; ")}` : null} />
            <DialogFooter
              onCancel={() => {
                setConfirming(false);
                save.reset();
              }}
              confirmLabel="Save"
              pendingLabel="Saving…"
              pending={save.isPending}
              confirmClassName={BILLING_PRIMARY_BUTTON}
              cancelClassName={BILLING_SECONDARY_BUTTON}
              onConfirm={() => save.mutate({ id: clientId, override: override as TProviderEntry | null, fallbackChain: chain as TProviderEntry[] })}
            />
          </div>
        </ActionDialog>
      ) : null}
    </Card>
  );
}
