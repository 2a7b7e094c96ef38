// A model's price as the provider pages say it: USD per 1M tokens in / out / cached.
// Ollama runs on our own machines: free. A paid model with no price in effect says so.
import { formatUnitPrice } from "@/components/display-format";

export type TCatalogueModel = {
  provider: string;
  model: string;
  inputPer1M: string;
  outputPer1M: string;
  cachedInputPer1M: string | null;
  /** A retired model is listed but cannot be chosen. */
  retired?: boolean;
};

const ZERO = /^0+(\.0+)?$/;

export function describeModelPrice(provider: string, price: TCatalogueModel | null): string {
  if (provider === "ollama" && (!price || (ZERO.test(price.inputPer1M) && ZERO.test(price.outputPer1M)))) return "free (local)";
  if (!price) return "no price in effect";
  const cached = price.cachedInputPer1M === null ? "" : ` · ${formatUnitPrice(price.cachedInputPer1M)} cached`;
  return `${formatUnitPrice(price.inputPer1M)} in · ${formatUnitPrice(price.outputPer1M)} out${cached} per 1M tokens`;
}

export function ModelPriceText({ provider, price }: { provider: string; price: TCatalogueModel | null }) {
  const text = describeModelPrice(provider, price);
  return (
    <span data-testid="model-price" className={`text-xs tabular-nums ${price || provider === "ollama" ? "text-gray-500" : "text-amber-700"}`}>
      {text}
    </span>
  );
}
