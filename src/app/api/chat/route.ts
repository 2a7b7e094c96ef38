import { createChatHandler } from "@/server/chat/chat-http";
import { createLlmGateway } from "@/server/chat/send-chat-message";
import { getDb } from "@/server/db/client";
import { env } from "@/env";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

let handler: ReturnType<typeof createChatHandler> | undefined;

// Built on first request: env is read at request time, never at build time.
function chatHandler() {
  if (!handler) {
    const config = env();
    handler = createChatHandler({
      getDb,
      gateway: createLlmGateway({
        ollamaBaseUrl: config.OLLAMA_BASE_URL,
        anthropicBaseUrl: config.ANTHROPIC_BASE_URL,
        anthropicApiKey: config.ANTHROPIC_API_KEY,
        openaiBaseUrl: config.OPENAI_BASE_URL,
        openaiApiKey: config.OPENAI_API_KEY,
        timeoutMs: config.LLM_TIMEOUT_MS,
      }),
    });
  }
  return handler;
}

export function POST(request: Request) {
  return chatHandler().POST(request);
}

export function OPTIONS(request: Request) {
  return chatHandler().OPTIONS(request);
}
