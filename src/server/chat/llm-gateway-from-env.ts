import { env } from "@/env";
import { createLlmGateway, type TLlmGateway } from "./send-chat-message";

let gateway: TLlmGateway | undefined;

/** The providers as configured by the environment; built on first use. */
export function llmGatewayFromEnv(): TLlmGateway {
  if (!gateway) {
    const config = env();
    gateway = createLlmGateway({
      ollamaBaseUrl: config.OLLAMA_BASE_URL,
      anthropicBaseUrl: config.ANTHROPIC_BASE_URL,
      anthropicApiKey: config.ANTHROPIC_API_KEY,
      openaiBaseUrl: config.OPENAI_BASE_URL,
      openaiApiKey: config.OPENAI_API_KEY,
      timeoutMs: config.LLM_TIMEOUT_MS,
    });
  }
  return gateway;
}
