import { createChatFeedbackHandler } from "@/server/http/chat-feedback-http";
import { getDb } from "@/server/db/client";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handler = createChatFeedbackHandler({ getDb });

export function POST(request: Request) {
  return handler.POST(request);
}

export function OPTIONS(request: Request) {
  return handler.OPTIONS(request);
}
