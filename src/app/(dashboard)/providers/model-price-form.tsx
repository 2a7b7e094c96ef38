"use client";
// Admins add a price for a model; it applies to calls from now on.
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/trpc/react";

const INPUT = "mt-1 block w-full rounded-md border border-gray-300 px-3 py-2 text-sm";

export function ModelPriceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutation(
    trpc.providers.setModelPrice.mutationOptions({
      onSuccess: () => {
        router.refresh();
      },
    }),
  );
  const fieldErrors = (save.error?.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined>;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const cached = String(data.get("cachedInputPer1M") ?? "").trim();
    const input = {
      provider: String(data.get("provider")) as "ollama" | "anthropic" | "openai",
      model: String(data.get("model") ?? ""),
      inputPer1M: String(data.get("inputPer1M") ?? ""),
      outputPer1M: String(data.get("outputPer1M") ?? ""),
      cachedInputPer1M: cached === "" ? null : cached,
    };
    if (!window.confirm(`Price ${input.provider} ${input.model} at ${input.inputPer1M} / ${input.outputPer1M} USD per 1M tokens from now on?`)) return;
    setSaved(null);
    save.mutate(input, {
      onSuccess: () => {
        setSaved(`${input.provider} ${input.model} is priced from now on.`);
        form.reset();
      },
    });
  }

  const field = (name: string, label: string, hint?: string) => (
    <label className="block text-sm">
      <span className="font-medium text-gray-700">{label}</span>
      <input name={name} className={INPUT} inputMode="decimal" placeholder={hint} />
      {fieldErrors[name] ? <span className="mt-1 block text-xs text-red-600">{fieldErrors[name]!.join(", ")}</span> : null}
    </label>
  );

  return (
    <form onSubmit={onSubmit} className="mt-6 rounded-lg border border-gray-200 bg-white p-5" aria-label="New model price">
      <h2 className="text-base font-semibold text-gray-900">New price</h2>
      <p className="mt-1 text-sm text-gray-500">
        Takes effect now for new calls; recorded calls keep their price. USD per 1M tokens, as decimals.
      </p>
      <div className="mt-4 grid grid-cols-2 gap-4 md:grid-cols-6">
        <label className="block text-sm">
          <span className="font-medium text-gray-700">Provider</span>
          <select name="provider" className={INPUT} defaultValue="anthropic">
            <option value="anthropic">anthropic</option>
            <option value="openai">openai</option>
            <option value="ollama">ollama</option>
          </select>
        </label>
        <label className="block text-sm md:col-span-2">
          <span className="font-medium text-gray-700">Model</span>
          <input name="model" className={INPUT} placeholder="claude-sonnet-5-5" />
          {fieldErrors.model ? <span className="mt-1 block text-xs text-red-600">{fieldErrors.model.join(", ")}</span> : null}
        </label>
        {field("inputPer1M", "Input", "3")}
        {field("outputPer1M", "Output", "15")}
        {field("cachedInputPer1M", "Cached input", "optional")}
      </div>
      <div className="mt-4 flex items-center gap-3">
        <button type="submit" disabled={save.isPending} className="rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white hover:bg-blue-700 disabled:opacity-60">
          {save.isPending ? "Saving…" : "Add price"}
        </button>
        {saved ? <span className="text-sm text-green-700">{saved}</span> : null}
        {save.error && Object.keys(fieldErrors).length === 0 ? (
          <span role="alert" className="text-sm text-red-600">{save.error.message}</span>
        ) : null}
      </div>
    </form>
  );
}
