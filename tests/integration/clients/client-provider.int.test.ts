import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { TSessionUser } from "@/server/auth/session";
import { getClientOrThrow } from "@/server/clients/get-client";
import { setClientProvider, type TSetClientProviderInput } from "@/server/clients/set-client-provider";
import { clockNow } from "@/server/clock";
import type { AppError } from "@/server/errors/app-error";
import { listModelCatalogue } from "@/server/model-prices/model-catalogue";
import { chatHandlerFor, chatRequest, createChatClient, ensureModelPrices } from "../../support/chat-fixtures";
import { fakeProvidersForFile } from "../../support/fake-providers";
import { createTestAdmin, createTestClient, uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";

const servers = fakeProvidersForFile();

type TReply = { provider: string; model: string; usage: { costUsd: string } };

describeEachDatabase("clients: provider override and fallback chain", (testDb) => {
  let admin: TSessionUser;
  let viewer: TSessionUser;
  beforeAll(async () => {
    const { db } = testDb();
    admin = await createTestAdmin(db, "admin");
    viewer = await createTestAdmin(db, "viewer");
    await ensureModelPrices(db);
  });

  const stored = (id: string) =>
    testDb().db.client.findUniqueOrThrow({ where: { id }, select: { llmProvider: true, llmModel: true, fallbackChain: true } });

  it("an admin sets an override and an ordered chain; the client page shows them and the change is audited with before and after", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const saved = await setClientProvider(
      db,
      {
        id: client.id,
        override: { provider: "openai", model: " gpt-4o-mini " },
        fallbackChain: [
          { provider: "anthropic", model: "claude-sonnet-5-5" },
          { provider: "ollama", model: "qwen2.5:7b" },
        ],
      },
      admin,
      clockNow(),
    );
    expect(saved).toEqual({
      id: client.id,
      override: { provider: "openai", model: "gpt-4o-mini" },
      fallbackChain: [
        { provider: "anthropic", model: "claude-sonnet-5-5" },
        { provider: "ollama", model: "qwen2.5:7b" },
      ],
    });
    expect(await stored(client.id)).toEqual({ llmProvider: "openai", llmModel: "gpt-4o-mini", fallbackChain: saved.fallbackChain });
    expect((await getClientOrThrow(db, client.id)).provider).toEqual({ override: saved.override, fallbackChain: saved.fallbackChain });

    // Back to the plan's default, no chain.
    await setClientProvider(db, { id: client.id, override: null, fallbackChain: [] }, admin, clockNow());
    expect(await stored(client.id)).toEqual({ llmProvider: null, llmModel: null, fallbackChain: [] });

    const audits = await db.auditLog.findMany({ where: { entityId: client.id, action: "client.provider_change" }, orderBy: { createdAt: "asc" } });
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({
      actorId: admin.id,
      actorEmail: admin.email,
      clientId: client.id,
      before: { override: null, fallbackChain: [] },
      after: { override: { provider: "openai", model: "gpt-4o-mini" }, fallbackChain: saved.fallbackChain },
    });
    expect(audits[1]).toMatchObject({ before: { override: { provider: "openai", model: "gpt-4o-mini" } }, after: { override: null, fallbackChain: [] } });
  });

  it("refuses a paid model with no price in effect now (none, or only a future one), naming it; Ollama models need none", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const now = clockNow();
    const future = `gpt-future-${uniqueSuffix()}`;
    await db.modelPrice.create({ data: { provider: "openai", model: future, inputPer1M: "1", outputPer1M: "2", effectiveFrom: new Date(now.getTime() + 86_400_000) } });

    const unpriced = await rejection(setClientProvider(db, { id: client.id, override: { provider: "anthropic", model: "claude-unpriced" }, fallbackChain: [] }, admin, now));
    expect(unpriced).toMatchObject({ code: "BAD_REQUEST", data: { issues: [{ field: "override", message: expect.stringContaining("anthropic · claude-unpriced has no price in effect") }] } });
    const scheduled = await rejection(
      setClientProvider(db, { id: client.id, override: null, fallbackChain: [{ provider: "ollama", model: "llama3.2" }, { provider: "openai", model: future }] }, admin, now),
    );
    expect(scheduled).toMatchObject({ code: "BAD_REQUEST", data: { issues: [{ field: "fallbackChain.1" }] } });
    expect((scheduled as AppError).message).toContain(`openai · ${future}`);
    expect(await stored(client.id)).toEqual({ llmProvider: null, llmModel: null, fallbackChain: [] });
    expect(await db.auditLog.count({ where: { entityId: client.id } })).toBe(0);

    // The catalogue offers what can be chosen: the scheduled model is not in it yet.
    const catalogue = await listModelCatalogue(db, now);
    expect(catalogue.find((entry) => entry.model === "gpt-4o-mini")).toMatchObject({ provider: "openai", inputPer1M: "0.15", outputPer1M: "0.6", cachedInputPer1M: "0.075" });
    expect(catalogue.some((entry) => entry.model === future)).toBe(false);
    // A day later it is priced and can be chosen.
    await expect(setClientProvider(db, { id: client.id, override: { provider: "openai", model: future }, fallbackChain: [] }, admin, new Date(now.getTime() + 2 * 86_400_000))).resolves.toMatchObject({
      override: { provider: "openai", model: future },
    });
  });

  const refusals: Array<{ rule: string; input: Omit<TSetClientProviderInput, "id">; field: string; message: string }> = [
    { rule: "an unknown provider", input: { override: { provider: "mistral" as "openai", model: "large" }, fallbackChain: [] }, field: "override.provider", message: "must be one of ollama, anthropic, openai" },
    {
      rule: "a step repeated in the chain",
      input: { override: null, fallbackChain: [{ provider: "ollama", model: "llama3.2" }, { provider: "openai", model: "gpt-4o-mini" }, { provider: "ollama", model: "llama3.2" }] },
      field: "fallbackChain.2",
      message: "step 3 (ollama · llama3.2) repeats step 1",
    },
    {
      rule: "the override repeated in the chain",
      input: { override: { provider: "openai", model: "gpt-4o-mini" }, fallbackChain: [{ provider: "openai", model: "gpt-4o-mini" }] },
      field: "fallbackChain.0",
      message: "is the override already",
    },
    {
      rule: "a chain longer than 5 steps",
      input: { override: null, fallbackChain: ["a", "b", "c", "d", "e", "f"].map((m) => ({ provider: "ollama" as const, model: `model-${m}` })) },
      field: "fallbackChain",
      message: "at most 5 fallback steps",
    },
    { rule: "an empty model name", input: { override: { provider: "ollama", model: "  " }, fallbackChain: [] }, field: "override.model", message: "name the model" },
  ];
  for (const { rule, input, field, message } of refusals) {
    it(`refuses ${rule} with a 400 naming the field, and writes nothing`, async () => {
      const { db } = testDb();
      const client = await createTestClient(db);
      const error = await rejection(setClientProvider(db, { id: client.id, ...input }, admin, clockNow()));
      expect(error).toMatchObject({ code: "BAD_REQUEST", data: { issues: expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(message) })]) } });
      expect(await stored(client.id)).toEqual({ llmProvider: null, llmModel: null, fallbackChain: [] });
      expect(await db.auditLog.count({ where: { entityId: client.id } })).toBe(0);

      // Through tRPC: the same field error, no database text.
      const caller = createCaller(createTRPCContext({ db, session: { user: admin }, headers: new Headers() }));
      const viaTrpc = (await rejection(caller.clients.setProvider({ id: client.id, ...input }))) as { code: string; message: string };
      expect(viaTrpc).toMatchObject({ code: "BAD_REQUEST" });
      expect(viaTrpc.message).not.toMatch(/prisma|select|insert|update |sql/i);
    });
  }

  it("an unknown client is NOT_FOUND; a viewer is FORBIDDEN and nothing changes; a viewer reads the catalogue", async () => {
    const { db } = testDb();
    expect(await rejection(setClientProvider(db, { id: randomUUID(), override: null, fallbackChain: [] }, admin, clockNow()))).toMatchObject({ code: "NOT_FOUND" });
    const client = await createTestClient(db);
    const asViewer = createCaller(createTRPCContext({ db, session: { user: viewer }, headers: new Headers() }));
    await expect(asViewer.clients.setProvider({ id: client.id, override: { provider: "openai", model: "gpt-4o-mini" }, fallbackChain: [] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await stored(client.id)).toEqual({ llmProvider: null, llmModel: null, fallbackChain: [] });
    expect(await db.auditLog.count({ where: { entityId: client.id } })).toBe(0);
    expect((await asViewer.providers.modelCatalogue()).map((entry) => `${entry.provider}/${entry.model}`)).toEqual(
      expect.arrayContaining(["anthropic/claude-sonnet-5-5", "openai/gpt-4o-mini"]),
    );
    const asAdmin = createCaller(createTRPCContext({ db, session: { user: admin }, headers: new Headers() }));
    await expect(asAdmin.clients.setProvider({ id: client.id, override: { provider: "openai", model: "gpt-4o-mini" }, fallbackChain: [] })).resolves.toMatchObject({
      override: { provider: "openai", model: "gpt-4o-mini" },
    });
  });

  it("the next chat request is answered by the chosen provider and model, then falls back along the chosen chain", async () => {
    const { db } = testDb();
    const handler = chatHandlerFor(db, servers);
    // The plan's default is Anthropic.
    const chat = await createChatClient(db, { provider: "anthropic" });
    const before = (await (await handler.POST(chatRequest(chat.secretKey, { message: "hello" }))).json()) as TReply;
    expect(before).toMatchObject({ provider: "anthropic", model: "claude-sonnet-5-5" });
    expect(servers.anthropic.stats.requests).toBe(1);

    await setClientProvider(
      db,
      {
        id: chat.clientId,
        override: { provider: "openai", model: "gpt-4o-mini" },
        fallbackChain: [
          { provider: "ollama", model: "llama3.2" },
          { provider: "anthropic", model: "claude-sonnet-5-5" },
        ],
      },
      admin,
      clockNow(),
    );
    const next = (await (await handler.POST(chatRequest(chat.secretKey, { message: "hello again" }))).json()) as TReply;
    expect(next).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
    expect(Number(next.usage.costUsd)).toBeGreaterThan(0);
    expect([servers.openai.stats.requests, servers.ollama.stats.requests, servers.anthropic.stats.requests]).toEqual([1, 0, 1]);

    // OpenAI down: the chain's first step (Ollama) answers; then Ollama down too: Anthropic.
    servers.openai.set({ fail: 500 });
    const first = (await (await handler.POST(chatRequest(chat.secretKey, { message: "are you there?" }))).json()) as TReply;
    expect(first).toMatchObject({ provider: "ollama", model: "llama3.2" });
    servers.ollama.set({ fail: 500 });
    const second = (await (await handler.POST(chatRequest(chat.secretKey, { message: "still there?" }))).json()) as TReply;
    expect(second).toMatchObject({ provider: "anthropic", model: "claude-sonnet-5-5" });
    expect([servers.openai.stats.requests, servers.ollama.stats.requests, servers.anthropic.stats.requests]).toEqual([3, 2, 2]);

    const events = await db.usageEvent.findMany({ where: { clientId: chat.clientId }, orderBy: { occurredAt: "asc" }, select: { provider: true, model: true } });
    expect(events.map((e) => `${e.provider}/${e.model}`)).toEqual(["anthropic/claude-sonnet-5-5", "openai/gpt-4o-mini", "ollama/llama3.2", "anthropic/claude-sonnet-5-5"]);
  });
});
