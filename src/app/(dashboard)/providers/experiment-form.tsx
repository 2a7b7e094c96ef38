"use client";
// "New experiment": a client, a name, and two or more variants, each a model from the
// price catalogue (retired models are not offered), model routing on or off, and an
// integer weight (its share of new conversations). Saved as a draft; Start runs it.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ActionDialog, DialogFooter, ServerError } from "@/components/action-dialog";
import { BILLING_INPUT, BILLING_PRIMARY_BUTTON, BILLING_SECONDARY_BUTTON } from "@/components/action-styles";
import { Field, WIDE_INPUT } from "@/components/dialog-parts";
import { useTRPC } from "@/trpc/react";
import { describeModelPrice, type TCatalogueModel } from "../clients/[id]/provider-model-price";
import { experimentErrorMessages, type TExperimentError } from "./experiment-errors";

type TProvider = "ollama" | "anthropic" | "openai";
type TVariantDraft = { key: string; model: string; routing: boolean; weight: string };

/** The server allows at most this many variants and weights up to 1000. */
const MAX_VARIANTS = 10;
const MAX_WEIGHT = 1000;
const SMALL_BUTTON = "rounded-md border border-gray-300 bg-white px-2 py-1 text-xs font-medium text-gray-700 hover:bg-gray-50 disabled:cursor-not-allowed disabled:opacity-40";

const keyOf = (entry: { provider: string; model: string }) => `${entry.provider}/${entry.model}`;
const fromKey = (key: string) => {
  const slash = key.indexOf("/");
  return { provider: key.slice(0, slash) as TProvider, model: key.slice(slash + 1) };
};

/** What the browser can check before asking the server (which checks all of it again). */
function localProblems(name: string, clientId: string, variants: TVariantDraft[]): string[] {
  const problems: string[] = [];
  if (!clientId) problems.push("Client: choose a client");
  if (!name.trim()) problems.push("Name: name the experiment");
  const seen = new Set<string>();
  variants.forEach((variant, index) => {
    const label = `Variant ${index + 1}`;
    const key = variant.key.trim();
    if (!key) problems.push(`${label} key: name the variant`);
    else if (seen.has(key)) problems.push(`${label} key: "${key}" is used twice`);
    seen.add(key);
    if (!variant.model) problems.push(`${label} model: choose a model`);
    if (!/^\d+$/.test(variant.weight.trim()) || Number(variant.weight) < 1 || Number(variant.weight) > MAX_WEIGHT) {
      problems.push(`${label} weight: a whole number from 1 to ${MAX_WEIGHT}`);
    }
  });
  return problems;
}

export function NewExperimentButton({ clients, catalogue }: { clients: Array<{ id: string; name: string }>; catalogue: TCatalogueModel[] }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className={BILLING_PRIMARY_BUTTON} onClick={() => setOpen(true)}>
        New experiment
      </button>
      {open ? <ExperimentForm clients={clients} catalogue={catalogue} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function ExperimentForm({ clients, catalogue, onClose }: { clients: Array<{ id: string; name: string }>; catalogue: TCatalogueModel[]; onClose: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const choosable = catalogue.filter((entry) => !entry.retired);
  const [clientId, setClientId] = useState("");
  const [name, setName] = useState("");
  const [variants, setVariants] = useState<TVariantDraft[]>([
    { key: "control", model: "", routing: false, weight: "50" },
    { key: "challenger", model: "", routing: false, weight: "50" },
  ]);
  const [problems, setProblems] = useState<string[]>([]);
  const create = useMutation(
    trpc.experiments.create.mutationOptions({
      onSuccess: () => {
        onClose();
        router.refresh();
      },
    }),
  );

  const update = (index: number, patch: Partial<TVariantDraft>) => {
    create.reset();
    setVariants((current) => current.map((variant, i) => (i === index ? { ...variant, ...patch } : variant)));
  };
  const total = variants.reduce((sum, variant) => sum + (/^\d+$/.test(variant.weight.trim()) ? Number(variant.weight) : 0), 0);
  const providers = [...new Set(choosable.map((entry) => entry.provider))];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = localProblems(name, clientId, variants);
    setProblems(found);
    if (found.length > 0) return;
    create.mutate({
      clientId,
      name: name.trim(),
      variants: variants.map((variant) => ({ key: variant.key.trim(), ...fromKey(variant.model), routing: variant.routing, weight: Number(variant.weight) })),
    });
  }

  const messages = [...problems, ...experimentErrorMessages(create.error as TExperimentError)];
  return (
    <ActionDialog
      title="New experiment"
      description="Compare models on one client's conversations. Each new conversation is assigned a variant by its weight and keeps it. Saved as a draft: nothing changes until you start it."
      onClose={onClose}
      testId="experiment-form-dialog"
    >
      <form className="space-y-4" onSubmit={onSubmit} noValidate>
        <Field label="Client" htmlFor="experiment-client">
          <select id="experiment-client" className={WIDE_INPUT} value={clientId} onChange={(event) => setClientId(event.target.value)}>
            <option value="">Choose a client…</option>
            {clients.map((client) => (
              <option key={client.id} value={client.id}>
                {client.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" htmlFor="experiment-name">
          <input id="experiment-name" className={WIDE_INPUT} value={name} maxLength={100} onChange={(event) => setName(event.target.value)} placeholder="Sonnet vs GPT-4o mini" />
        </Field>

        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-gray-700">Variants</legend>
          {variants.map((variant, index) => (
            <div key={index} className="space-y-2 rounded-md border border-gray-200 p-3" data-testid="variant-editor">
              <div className="flex items-center gap-2">
                <span className="text-xs font-medium text-gray-500">Variant {index + 1}</span>
                <button
                  type="button"
                  className={`${SMALL_BUTTON} ml-auto`}
                  disabled={variants.length <= 2}
                  onClick={() => setVariants((current) => current.filter((_, i) => i !== index))}
                  aria-label={`Remove variant ${index + 1}`}
                >
                  Remove
                </button>
              </div>
              <div className="grid grid-cols-[1fr_6rem] gap-2">
                <label className="text-xs text-gray-600">
                  Key
                  <input className={`${BILLING_INPUT} mt-1 block w-full`} value={variant.key} maxLength={50} onChange={(event) => update(index, { key: event.target.value })} aria-label={`Variant ${index + 1} key`} />
                </label>
                <label className="text-xs text-gray-600">
                  Weight
                  <input
                    className={`${BILLING_INPUT} mt-1 block w-full`}
                    inputMode="numeric"
                    value={variant.weight}
                    onChange={(event) => update(index, { weight: event.target.value })}
                    aria-label={`Variant ${index + 1} weight`}
                  />
                </label>
              </div>
              <label className="block text-xs text-gray-600">
                Model
                <select className={`${BILLING_INPUT} mt-1 block w-full`} value={variant.model} onChange={(event) => update(index, { model: event.target.value })} aria-label={`Variant ${index + 1} model`}>
                  <option value="">Choose a model…</option>
                  {providers.map((provider) => (
                    <optgroup key={provider} label={provider}>
                      {choosable
                        .filter((entry) => entry.provider === provider)
                        .map((entry) => (
                          <option key={keyOf(entry)} value={keyOf(entry)}>
                            {entry.provider} · {entry.model} — {describeModelPrice(entry.provider, entry)}
                          </option>
                        ))}
                    </optgroup>
                  ))}
                </select>
              </label>
              <div className="flex items-center justify-between gap-2 text-xs text-gray-600">
                <label className="flex items-center gap-2">
                  <input type="checkbox" checked={variant.routing} onChange={(event) => update(index, { routing: event.target.checked })} aria-label={`Variant ${index + 1} model routing`} />
                  Model routing (simple messages go to a cheaper model)
                </label>
                <span className="tabular-nums" data-testid="variant-share">
                  {total > 0 && /^\d+$/.test(variant.weight.trim()) ? `${Math.round((Number(variant.weight) * 100) / total)}% of conversations` : "—"}
                </span>
              </div>
            </div>
          ))}
          <button
            type="button"
            className={BILLING_SECONDARY_BUTTON}
            disabled={variants.length >= MAX_VARIANTS}
            onClick={() => setVariants((current) => [...current, { key: `variant-${current.length + 1}`, model: "", routing: false, weight: "50" }])}
          >
            Add variant
          </button>
        </fieldset>

        {messages.length > 0 ? <ServerError message={messages.join("; ")} /> : null}
        <DialogFooter
          onCancel={onClose}
          confirmLabel="Save draft"
          pendingLabel="Saving…"
          pending={create.isPending}
          confirmClassName={BILLING_PRIMARY_BUTTON}
          cancelClassName={BILLING_SECONDARY_BUTTON}
        />
      </form>
    </ActionDialog>
  );
}
