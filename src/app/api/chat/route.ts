import { createChatHandler } from "@/server/http/chat-http";
import { llmGatewayFromEnv } from "@/server/chat/llm-gateway-from-env";
import { getDb } from "@/server/db/client";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

let handler: ReturnType<typeof createChatHandler> | undefined;

// Built on first request: env is read at request time, never at build time.
function chatHandler() {
  handler ??= createChatHandler({ getDb, gateway: llmGatewayFromEnv() });
  return handler;
}

export function POST(request: Request) {
  return chatHandler().POST(request);
}

export function OPTIONS(request: Request) {
  return chatHandler().OPTIONS(request);
}
