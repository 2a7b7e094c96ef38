// Token estimates for when a provider reports no usage (a stream cut short, an
// OpenAI-compatible server that ignores `include_usage`, Ollama omitting
// `prompt_eval_count` for a cached prompt), and for the reservation a chat request makes
// before the call. Without a tokenizer the rule is deliberately simple:
//
//   tokens(text)     = ceil(ASCII characters / 4) + 1 per non-ASCII code point
//   tokens(prompt)   = sum of tokens(message.content) + 4 per message (role and framing)
//
// English averages ~4 characters per token in the GPT and Claude tokenizers; CJK, emoji
// and most accented letters take a token or more each, so counting them as one keeps the
// estimate from undercharging non-English text by a factor of four.
//
// A caller that knows the provider and model can pass that model's tokenizer
// (context/tokenizers.ts, loaded once with `loadTokenizer`) and get the provider's own
// count. completeUsage does so whenever the answering model's table is loaded, which the
// chat path makes sure of when it plans the prompt (plan-prompt.ts counts the prompt, and
// reserves, with that tokenizer; stored messages' counts are cached, so a conversation's
// history is tokenized once per process). The rule stays for anything else: a table
// takes ~0.3 s to load.
import { loadedTokenizer, type TTokenizer } from "./context/tokenizers";
import type { TChatMessage, TLlmProviderName, TLlmUsage } from "./provider";

/** Per-message overhead: role markers and separators the chat templates add. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) ascii += 1;
    // A low surrogate completes a pair whose high surrogate was already counted.
    else if (code < 0xdc00 || code > 0xdfff) other += 1;
  }
  return Math.ceil(ascii / 4) + other;
}

/** The prompt's tokens: the tokenizer's count when one is given, the rule above otherwise. */
export function estimatePromptTokens(messages: readonly TChatMessage[], tokenizer?: Pick<TTokenizer, "countPromptTokens">): number {
  if (tokenizer) return tokenizer.countPromptTokens(messages);
  let total = 0;
  for (const message of messages) total += estimateTokens(message.content) + MESSAGE_OVERHEAD_TOKENS;
  return total;
}

/** Figures a provider reported; a missing one is unknown, not zero. */
export type TReportedUsage = { inputTokens?: number; cachedInputTokens?: number; outputTokens?: number };

/**
 * The usage of a call from what the provider reported, with each missing figure estimated
 * (input from the prompt, output from everything the model produced) and `estimated` set
 * when any figure is ours. Cached tokens are never estimated: a cache hit only the
 * provider can know about.
 */
export function completeUsage(
  reported: TReportedUsage,
  prompt: readonly TChatMessage[],
  producedText: string,
  /** The answering model: its tokenizer counts what is missing when its table is loaded, else the rule above. */
  by?: { provider: TLlmProviderName; model: string },
): TLlmUsage {
  const missing = reported.inputTokens === undefined || reported.outputTokens === undefined;
  const tokenizer = missing && by ? loadedTokenizer(by.provider, by.model) : undefined;
  const inputTokens = reported.inputTokens ?? estimatePromptTokens(prompt, tokenizer);
  const outputTokens = reported.outputTokens ?? (tokenizer ? tokenizer.countTokens(producedText) : estimateTokens(producedText));
  return {
    inputTokens,
    cachedInputTokens: Math.min(reported.cachedInputTokens ?? 0, inputTokens),
    outputTokens,
    estimated: reported.inputTokens === undefined || reported.outputTokens === undefined,
  };
}

/** A provider's count, or undefined when it is absent or not a sensible token count. */
export function readTokenCount(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
