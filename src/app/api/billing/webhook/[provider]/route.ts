import { clockNow } from "@/server/clock";
import { getDb } from "@/server/db/client";
import { createWebhookHandler } from "@/server/http/webhook-http";

// Node runtime: the signature check and the database need it; never cached.
export const runtime = "nodejs";
export const dynamic = "force-dynamic";

const handleWebhookRequest = createWebhookHandler({ getDb, now: clockNow });

export async function POST(request: Request, context: { params: Promise<{ provider: string }> }) {
  const { provider } = await context.params;
  return handleWebhookRequest(request, provider);
}
