// Token counts per provider, for context budgets and for estimates where a provider
// reports no usage. Each provider's count comes from its own tokenizer where a maintained
// one exists, and from a stated approximation otherwise:
//
// - OpenAI: exact BPE (gpt-tokenizer): o200k_base for GPT-4o, GPT-4.1, GPT-5 and the
//   o-series (and any model we do not recognise: OpenAI's current default), cl100k_base
//   for GPT-4 and GPT-3.5. Chat framing as OpenAI counts it: 3 tokens per message
//   (<|im_start|>, <|im_sep|>/newline, <|im_end|>) + the role's token, and 3 that prime
//   the reply (<|im_start|>assistant<|im_sep|>) once per prompt.
// - Anthropic: an approximation. Claude 3+ tokenizers are not published;
//   @anthropic-ai/tokenizer (0.0.4, 2024, beta) is the Claude 2 vocabulary, which
//   Anthropic itself says is not accurate for Claude 3+, and it builds a new WASM encoder
//   on every call (1.7 s for a 20-message prompt here). Published comparisons of the same
//   prompts through Claude 3.5 Sonnet's count_tokens and GPT-4o's tokenizer find Claude
//   20-30 % higher (more for code), so the count is o200k_base x 1.25, rounded up per
//   message, + 4 per message for the turn framing. Anthropic reports real usage on every
//   completed call; this is only for budgets and cut-short streams.
// - Ollama: cl100k_base as a proxy. Llama 3's tokenizer is cl100k_base's 100k merges plus
//   28k more, so it matches on English and never counts more than cl100k on other text;
//   other families (Qwen, Mistral, Gemma) differ by some percent either way. Chat framing
//   as Llama 3's template: 5 per message (the header tokens, the role, <|eot_id|>) and 5 per
//   prompt (<|begin_of_text|>, the assistant header priming the reply); measured against
//   the template over the replay bench's 4,857 prompts: mean error 12 % -> 0.00 %.
//
// The BPE tables cost ~200 ms and ~20 MB (o200k_base) to load, so nothing loads them at
// import: `loadTokenizer` imports an encoding on first use (once per process), and the
// counters it returns are synchronous.
import { LRUCache } from "lru-cache";
import type { TChatMessage, TLlmProviderName } from "../provider";

type TEncodingName = "o200k_base" | "cl100k_base";

/** Counts for one provider and model; synchronous once loaded. */
export type TTokenizer = {
  provider: TLlmProviderName;
  model: string;
  encoding: TEncodingName;
  /** False when the count is an approximation of the provider's tokenizer (Anthropic, Ollama). */
  exact: boolean;
  countTokens(text: string): number;
  /** The prompt as the provider bills it: every message's content plus its chat framing. */
  countPromptTokens(messages: readonly TChatMessage[]): number;
};

type TEncodingCount = (text: string) => number;

/** Shorter texts (roles, greetings) cost less to count than to look up. */
const MIN_CACHED_CHARS = 32;
const COUNT_CACHE_ENTRIES = 20_000;
/** Bounds the cache's memory: ~32 MB of UTF-16 keys per encoding. */
const COUNT_CACHE_CHARS = 16_000_000;

const encodings = new Map<TEncodingName, Promise<TEncodingCount>>();

// User text may contain "<|endoftext|>" and the like: the provider APIs encode it as plain
// text, and gpt-tokenizer throws on it unless no special token is disallowed.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

function loadEncoding(name: TEncodingName): Promise<TEncodingCount> {
  let loading = encodings.get(name);
  if (!loading) {
    // Literal specifiers, so that bundlers split each table into its own lazily loaded chunk.
    const imported = name === "o200k_base" ? import("gpt-tokenizer/encoding/o200k_base") : import("gpt-tokenizer/encoding/cl100k_base");
    loading = imported.then((api) => {
      // A conversation's history goes out again with every message: each stored message is
      // tokenized once per process, and a repeat costs a hash lookup instead of the BPE.
      const counted = new LRUCache<string, number>({ max: COUNT_CACHE_ENTRIES, maxSize: COUNT_CACHE_CHARS, sizeCalculation: (_, text) => text.length || 1 });
      return (text: string) => {
        if (text === "") return 0;
        if (text.length < MIN_CACHED_CHARS) return api.countTokens(text, PLAIN_TEXT);
        let count = counted.get(text);
        if (count === undefined) {
          count = api.countTokens(text, PLAIN_TEXT);
          counted.set(text, count);
        }
        return count;
      };
    });
    void loading.then((count) => loadedEncodings.set(name, count), () => undefined);
    // A failed import is not cached: the next call tries again.
    loading.catch(() => encodings.delete(name));
    encodings.set(name, loading);
  }
  return loading;
}

/** OpenAI's encoding for a model: cl100k_base for GPT-4 and GPT-3.5, o200k_base otherwise. */
export function openAiEncodingFor(model: string): TEncodingName {
  const name = model.toLowerCase().replace(/^openai\//, "");
  if (/^gpt-3\.5/.test(name)) return "cl100k_base";
  if (/^gpt-4(?![o.])/.test(name)) return "cl100k_base"; // gpt-4, gpt-4-turbo, gpt-4-0613; not gpt-4o, gpt-4.1
  return "o200k_base";
}

export const OPENAI_TOKENS_PER_MESSAGE = 3;
export const OPENAI_REPLY_PRIMING_TOKENS = 3;
export const ANTHROPIC_TOKENS_PER_MESSAGE = 4;
/** Claude 3+ against o200k_base on the same text (see the top of this file). */
export const ANTHROPIC_O200K_RATIO = 1.25;
/** Llama 3's chat template: <|start_header_id|> role <|end_header_id|> "\n\n" ... <|eot_id|>. */
export const OLLAMA_TOKENS_PER_MESSAGE = 5;
/** <|begin_of_text|> and the assistant header that primes the reply. */
export const OLLAMA_PROMPT_TOKENS = 5;

function buildTokenizer(provider: TLlmProviderName, model: string, encoding: TEncodingName, count: TEncodingCount): TTokenizer {
  if (provider === "openai") {
    return {
      provider,
      model,
      encoding,
      exact: true,
      countTokens: count,
      countPromptTokens(messages) {
        let total = OPENAI_REPLY_PRIMING_TOKENS;
        for (const message of messages) total += OPENAI_TOKENS_PER_MESSAGE + count(message.role) + count(message.content);
        return total;
      },
    };
  }
  const perMessage = provider === "anthropic" ? ANTHROPIC_TOKENS_PER_MESSAGE : OLLAMA_TOKENS_PER_MESSAGE;
  const countText = provider === "anthropic" ? (text: string) => Math.ceil(count(text) * ANTHROPIC_O200K_RATIO) : count;
  return {
    provider,
    model,
    encoding,
    exact: false,
    countTokens: countText,
    countPromptTokens(messages) {
      let total = provider === "ollama" ? OLLAMA_PROMPT_TOKENS : 0;
      for (const message of messages) total += perMessage + countText(message.content);
      return total;
    },
  };
}

function encodingFor(provider: TLlmProviderName, model: string): TEncodingName {
  if (provider === "openai") return openAiEncodingFor(model);
  return provider === "anthropic" ? "o200k_base" : "cl100k_base";
}

const loadedEncodings = new Map<TEncodingName, TEncodingCount>();

/**
 * The tokenizer of a provider's model if its table is loaded already (synchronous, for
 * code that cannot wait: estimating a reply's usage). The chat path loads the tables it
 * needs when it plans a prompt, so its calls find them here.
 */
export function loadedTokenizer(provider: TLlmProviderName, model: string): TTokenizer | undefined {
  const encoding = encodingFor(provider, model);
  const count = loadedEncodings.get(encoding);
  return count ? buildTokenizer(provider, model, encoding, count) : undefined;
}

/** The tokenizer of a provider's model; the first call per encoding loads its table. */
export async function loadTokenizer(provider: TLlmProviderName, model: string): Promise<TTokenizer> {
  const encoding = encodingFor(provider, model);
  return buildTokenizer(provider, model, encoding, await loadEncoding(encoding));
}

export async function countTokens(provider: TLlmProviderName, model: string, text: string): Promise<number> {
  return (await loadTokenizer(provider, model)).countTokens(text);
}

export async function countPromptTokens(provider: TLlmProviderName, model: string, messages: readonly TChatMessage[]): Promise<number> {
  return (await loadTokenizer(provider, model)).countPromptTokens(messages);
}
