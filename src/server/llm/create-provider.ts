// Builds providers from deployment config (read by src/env.ts, passed in here). A
// provider missing what it needs is still returned, as one whose calls fail with a
// retryable "not configured" error: a client's fallback chain naming it then moves on
// to the next provider, and the final error says which setting to add.
import { AnthropicProvider } from "./anthropic-provider";
import { OllamaProvider } from "./ollama-provider";
import { OpenAiProvider } from "./openai-provider";
import {
  LlmProviderError,
  type LlmProvider,
  type TChatRequest,
  type TChatResult,
  type TLlmProviderName,
  type TStreamHandle,
} from "./provider";
import { meteredStream } from "./metered-stream";

export type TLlmConfig = {
  /** e.g. http://127.0.0.1:11434 */
  ollamaBaseUrl: string;
  /** Default https://api.anthropic.com */
  anthropicBaseUrl?: string;
  anthropicApiKey?: string;
  /** Default https://api.openai.com (with or without /v1) */
  openaiBaseUrl?: string;
  openaiApiKey?: string;
  /** Wait for response headers and, while streaming, for each next chunk. */
  timeoutMs: number;
};

export const ANTHROPIC_DEFAULT_BASE_URL = "https://api.anthropic.com";
export const OPENAI_DEFAULT_BASE_URL = "https://api.openai.com";

/** The setting a provider lacks in this config, or null when it can be called. */
export function missingProviderSetting(name: TLlmProviderName, config: TLlmConfig): string | null {
  switch (name) {
    case "ollama":
      return config.ollamaBaseUrl ? null : "OLLAMA_BASE_URL";
    case "anthropic":
      return config.anthropicApiKey ? null : "ANTHROPIC_API_KEY";
    case "openai":
      return config.openaiApiKey ? null : "OPENAI_API_KEY";
  }
}

export function createProvider(name: TLlmProviderName, config: TLlmConfig): LlmProvider {
  const missing = missingProviderSetting(name, config);
  if (missing !== null) return new UnconfiguredProvider(name, missing);
  switch (name) {
    case "ollama":
      return new OllamaProvider({ baseUrl: config.ollamaBaseUrl, timeoutMs: config.timeoutMs });
    case "anthropic":
      return new AnthropicProvider({
        baseUrl: config.anthropicBaseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
        apiKey: config.anthropicApiKey,
        timeoutMs: config.timeoutMs,
      });
    case "openai":
      return new OpenAiProvider({
        baseUrl: config.openaiBaseUrl ?? OPENAI_DEFAULT_BASE_URL,
        apiKey: config.openaiApiKey,
        timeoutMs: config.timeoutMs,
      });
  }
}

/** Stands in for a provider this deployment cannot call; every call fails before sending anything. */
class UnconfiguredProvider implements LlmProvider {
  constructor(
    readonly name: TLlmProviderName,
    private readonly setting: string,
  ) {}

  private error(): LlmProviderError {
    return new LlmProviderError(this.name, `${this.name} is not configured: set ${this.setting}`, {
      kind: "not_configured",
      retryable: true,
    });
  }

  async chat(_req: TChatRequest): Promise<TChatResult> {
    throw this.error();
  }

  stream(req: TChatRequest): TStreamHandle {
    return meteredStream({
      provider: this.name,
      request: req,
      idleTimeoutMs: 1_000,
      toError: () => this.error(),
      open: async () => {
        throw this.error();
      },
    });
  }
}
