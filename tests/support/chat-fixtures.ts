// A client ready to chat: plan with a provider, model prices, a secret and a publishable key.
import type { TDbClient } from "@/server/db/client";
import { createApiKey } from "@/server/clients/api-keys";
import { createChatHandler } from "@/server/http/chat-http";
import { createLlmGateway } from "@/server/chat/send-chat-message";
import type { TDb } from "@/server/db/client";
import type { TLlmServers } from "./llm-servers";
import { uniqueSuffix } from "./fixtures";

export const WIDGET_ORIGIN = "https://shop.example.com";

export async function ensureModelPrices(db: TDbClient): Promise<void> {
  const prices = [
    { provider: "anthropic", model: "claude-sonnet-5-5", inputPer1M: "3", outputPer1M: "15", cachedInputPer1M: "0.3" },
    { provider: "openai", model: "gpt-4o-mini", inputPer1M: "0.15", outputPer1M: "0.6", cachedInputPer1M: "0.075" },
  ];
  for (const price of prices) {
    await db.modelPrice.upsert({
      where: { provider_model_effectiveFrom: { provider: price.provider, model: price.model, effectiveFrom: new Date("2025-01-01T00:00:00Z") } },
      create: { ...price, effectiveFrom: new Date("2025-01-01T00:00:00Z") },
      update: {},
    });
  }
}

export async function createChatClient(
  db: TDbClient,
  options: {
    limits?: Record<string, number | null>;
    provider?: "ollama" | "anthropic" | "openai";
    model?: string;
    fallbackChain?: Array<{ provider: string; model: string }>;
    upgradeMessage?: string;
    upgradeUrl?: string;
    alertThresholds?: number[];
    /** The plan's monthly base cost (USD), for proration. */
    baseCost?: string;
  } = {},
) {
  await ensureModelPrices(db);
  const suffix = uniqueSuffix();
  const planKey = `chat_${suffix}`;
  const provider = options.provider ?? "anthropic";
  await db.planConfig.create({
    data: {
      key: planKey,
      name: `Chat ${suffix}`,
      limits: options.limits ?? { messagesPerMonth: 1000 },
      features: { llmProvider: provider, llmModel: options.model ?? (provider === "openai" ? "gpt-4o-mini" : provider === "ollama" ? "llama3.2" : "claude-sonnet-5-5") },
      pricing: { baseCost: options.baseCost ?? "0", currency: "USD", usageMultiplier: "1", prorationMode: "daily", metrics: {} },
      ...(options.upgradeMessage ? { upgradeMessage: options.upgradeMessage } : {}),
      ...(options.upgradeUrl ? { upgradeUrl: options.upgradeUrl } : {}),
      ...(options.alertThresholds ? { alertThresholds: options.alertThresholds } : {}),
    },
  });
  const client = await db.client.create({
    data: {
      slug: `chat-${suffix}`,
      name: `Chat client ${suffix}`,
      planKey,
      billingEmail: `chat-${suffix}@example.com`,
      allowedOrigins: [WIDGET_ORIGIN],
      fallbackChain: options.fallbackChain ?? [],
    },
    select: { id: true },
  });
  const secret = await createApiKey(db, { clientId: client.id, kind: "secret", name: "server" });
  const publishable = await createApiKey(db, { clientId: client.id, kind: "publishable", name: "widget" });
  return { clientId: client.id, planKey, secretKey: secret.key, publishableKey: publishable.key };
}

/** The app's chat handler on this database and the fake providers; `now` pins each request's instant. */
export function chatHandlerFor(db: TDb, servers: TLlmServers, timeoutMs = 5_000, now?: () => Date) {
  return createChatHandler({
    getDb: async () => db,
    now,
    gateway: createLlmGateway({
      ollamaBaseUrl: servers.ollama.url,
      anthropicBaseUrl: servers.anthropic.url,
      anthropicApiKey: servers.apiKey,
      openaiBaseUrl: servers.openai.url,
      openaiApiKey: servers.apiKey,
      timeoutMs,
    }),
  });
}

export function chatRequest(key: string | null, body: unknown, headers: Record<string, string> = {}): Request {
  return new Request("http://meterline.test/api/chat", {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Reads an SSE body into its events. */
export async function readSse(response: Response): Promise<Array<{ event: string; data: unknown }>> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return { event, data: data ? JSON.parse(data) : null };
    });
}
