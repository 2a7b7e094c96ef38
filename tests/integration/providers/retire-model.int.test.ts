import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { setClientProvider } from "@/server/clients/set-client-provider";
import type { TDbClient } from "@/server/db/client";
import { listModelPrices } from "@/server/model-prices/list-model-prices";
import { listModelCatalogue } from "@/server/model-prices/model-catalogue";
import { retireModel, unretireModel } from "@/server/model-prices/retire-model";
import { createTestAdmin, createTestClient, uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";
import { callerFor } from "../plans/plan-test-support";

// Fixed instants; ModelPrice and RetiredModel are global, so every test prices models of
// its own (unique names) and looks only at those.
const NOW = new Date("2026-12-03T09:00:00Z");
const LONG_AGO = new Date("2026-01-01T00:00:00Z");

async function priceModel(db: TDbClient, provider: "openai" | "anthropic", model: string) {
  await db.modelPrice.create({ data: { provider, model, inputPer1M: "1", outputPer1M: "2", effectiveFrom: LONG_AGO } });
}

describeEachDatabase("retired models", (testDb) => {
  let admin: TSessionUser;
  let viewer: TSessionUser;
  beforeAll(async () => {
    admin = await createTestAdmin(testDb().db, "admin");
    viewer = await createTestAdmin(testDb().db, "viewer");
  });

  it("retiring flags the model in the catalogue and the price list, keeps its prices, is audited once; unretiring undoes it, audited", async () => {
    const { db } = testDb();
    const model = `gpt-old-${uniqueSuffix()}`;
    await priceModel(db, "openai", model);

    const retired = await retireModel(db, { provider: "openai", model, reason: "deprecated by the vendor" }, admin, NOW);
    expect(retired).toEqual({ provider: "openai", model, retired: true, retiredAt: NOW, changed: true });
    // Idempotent: a second retire changes nothing and writes no second audit entry.
    expect(await retireModel(db, { provider: "openai", model }, admin, new Date(NOW.getTime() + 60_000))).toEqual({ provider: "openai", model, retired: true, retiredAt: NOW, changed: false });

    expect((await listModelCatalogue(db, NOW)).find((entry) => entry.model === model)).toMatchObject({ provider: "openai", inputPer1M: "1", retired: true });
    expect((await listModelPrices(db, NOW)).filter((row) => row.model === model)).toEqual([expect.objectContaining({ inputPer1M: "1", state: "current", retiredAt: NOW })]);
    expect(await db.modelPrice.count({ where: { model } })).toBe(1);

    const audits = await db.auditLog.findMany({ where: { entityType: "RetiredModel", entityId: `openai/${model}` }, orderBy: { createdAt: "asc" } });
    expect(audits).toEqual([expect.objectContaining({ action: "model.retire", actorEmail: admin.email, reason: "deprecated by the vendor", after: { retired: true } })]);

    const back = await unretireModel(db, { provider: "openai", model }, admin, new Date(NOW.getTime() + 120_000));
    expect(back).toEqual({ provider: "openai", model, retired: false, retiredAt: null, changed: true });
    expect(await unretireModel(db, { provider: "openai", model }, admin, NOW)).toMatchObject({ changed: false });
    expect((await listModelCatalogue(db, NOW)).find((entry) => entry.model === model)).toMatchObject({ retired: false });
    expect((await listModelPrices(db, NOW)).find((row) => row.model === model)).toMatchObject({ retiredAt: null });
    const after = await db.auditLog.findMany({ where: { entityType: "RetiredModel", entityId: `openai/${model}` }, orderBy: { createdAt: "asc" } });
    expect(after.map((entry) => entry.action)).toEqual(["model.retire", "model.unretire"]);
    expect(after[1]).toMatchObject({ actorEmail: admin.email, before: { retired: true, reason: "deprecated by the vendor" }, after: { retired: false } });
  });

  it("a model with no price row is NOT_FOUND; a bad provider names the field; a viewer is FORBIDDEN", async () => {
    const { db } = testDb();
    const model = `never-priced-${uniqueSuffix()}`;
    expect(await rejection(retireModel(db, { provider: "openai", model }, admin, NOW))).toMatchObject({ code: "NOT_FOUND" });
    expect(await rejection(unretireModel(db, { provider: "openai", model }, admin, NOW))).toMatchObject({ code: "NOT_FOUND" });
    expect(await db.retiredModel.count({ where: { model } })).toBe(0);

    const bad = await rejection(retireModel(db, { provider: "mistral" as "openai", model: " " }, admin, NOW));
    expect(bad).toMatchObject({ code: "BAD_REQUEST", data: { issues: expect.arrayContaining([expect.objectContaining({ field: "provider" }), expect.objectContaining({ field: "model" })]) } });

    const priced = `gpt-${uniqueSuffix()}`;
    await priceModel(db, "openai", priced);
    await expect(callerFor(db, { user: viewer }).providers.retireModel({ provider: "openai", model: priced })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.retiredModel.count({ where: { model: priced } })).toBe(0);
    // Through tRPC as an admin: the 404 with no database text.
    const viaTrpc = (await rejection(callerFor(db, { user: admin }).providers.retireModel({ provider: "openai", model }))) as { code: string; message: string };
    expect(viaTrpc.code).toBe("NOT_FOUND");
    expect(viaTrpc.message).not.toMatch(/prisma|select|insert|sql/i);
  });

  it("setClientProvider refuses a retired model as primary and at any fallback step, naming the field, and writes nothing", async () => {
    const { db } = testDb();
    const old = `claude-old-${uniqueSuffix()}`;
    const fresh = `claude-new-${uniqueSuffix()}`;
    await priceModel(db, "anthropic", old);
    await priceModel(db, "anthropic", fresh);
    const client = await createTestClient(db);
    // Chosen before it was retired: the saved choice stays as it is.
    await setClientProvider(db, { id: client.id, override: null, fallbackChain: [{ provider: "ollama", model: "llama3.2" }, { provider: "anthropic", model: old }] }, admin, NOW);
    await retireModel(db, { provider: "anthropic", model: old }, admin, NOW);
    const auditsBefore = await db.auditLog.count({ where: { entityId: client.id } });

    const asPrimary = await rejection(setClientProvider(db, { id: client.id, override: { provider: "anthropic", model: old }, fallbackChain: [] }, admin, NOW));
    expect(asPrimary).toMatchObject({ code: "BAD_REQUEST", data: { issues: [{ field: "override.model", message: expect.stringContaining(`anthropic · ${old} is retired`) }] } });
    const asFallback = await rejection(
      setClientProvider(db, { id: client.id, override: { provider: "anthropic", model: fresh }, fallbackChain: [{ provider: "ollama", model: "llama3.2" }, { provider: "anthropic", model: old }] }, admin, NOW),
    );
    expect(asFallback).toMatchObject({ code: "BAD_REQUEST", data: { issues: [{ field: "fallbackChain.1.model" }] } });
    expect(await db.client.findUniqueOrThrow({ where: { id: client.id }, select: { llmModel: true, fallbackChain: true } })).toEqual({
      llmModel: null,
      fallbackChain: [{ provider: "ollama", model: "llama3.2" }, { provider: "anthropic", model: old }],
    });
    expect(await db.auditLog.count({ where: { entityId: client.id } })).toBe(auditsBefore);

    // The same 400 through tRPC, naming the field.
    const viaTrpc = (await rejection(callerFor(db, { user: admin }).clients.setProvider({ id: client.id, override: null, fallbackChain: [{ provider: "anthropic", model: old }] }))) as {
      code: string;
      cause?: unknown;
    };
    expect(viaTrpc.code).toBe("BAD_REQUEST");
    expect(JSON.stringify(viaTrpc.cause)).toContain("fallbackChain.0.model");

    // Unretired, it can be chosen again.
    await unretireModel(db, { provider: "anthropic", model: old }, admin, NOW);
    await expect(setClientProvider(db, { id: client.id, override: { provider: "anthropic", model: old }, fallbackChain: [] }, admin, NOW)).resolves.toMatchObject({
      override: { provider: "anthropic", model: old },
    });
    expect(await rejection(setClientProvider(db, { id: randomUUID(), override: null, fallbackChain: [] }, admin, NOW))).toMatchObject({ code: "NOT_FOUND" });
  });
});
