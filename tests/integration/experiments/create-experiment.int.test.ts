import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { TSessionUser } from "@/server/auth/session";
import { clockNow } from "@/server/clock";
import { createExperiment, type TCreateExperimentInput } from "@/server/experiments/create-experiment";
import { listExperiments } from "@/server/experiments/list-experiments";
import { createTestAdmin, createTestClient, uniqueSuffix } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";
import { TWO_VARIANTS, ensureModelPrices, refusedFields, variant } from "./experiment-test-support";

describeEachDatabase("experiments: creating a draft", (testDb) => {
  let admin: TSessionUser;
  let viewer: TSessionUser;
  const retiredModel = `claude-old-${uniqueSuffix()}`;
  const futureModel = `gpt-future-${uniqueSuffix()}`;
  beforeAll(async () => {
    const { db } = testDb();
    admin = await createTestAdmin(db, "admin");
    viewer = await createTestAdmin(db, "viewer");
    await ensureModelPrices(db);
    const now = clockNow();
    // Priced, but retired: refused whatever its price.
    await db.modelPrice.create({ data: { provider: "anthropic", model: retiredModel, inputPer1M: "1", outputPer1M: "5", effectiveFrom: new Date("2025-01-01T00:00:00Z") } });
    await db.retiredModel.create({ data: { provider: "anthropic", model: retiredModel, retiredAt: now, retiredBy: admin.email, reason: "superseded" } });
    // Priced only from tomorrow: not choosable today.
    await db.modelPrice.create({ data: { provider: "openai", model: futureModel, inputPer1M: "1", outputPer1M: "2", effectiveFrom: new Date(now.getTime() + 86_400_000) } });
  });

  it("an admin drafts an experiment for a client: status draft, the variants as given (trimmed), who made it, audited", async () => {
    const { db } = testDb();
    const client = await createTestClient(db, { name: "Draft Co" });
    const now = clockNow();
    const created = await createExperiment(
      db,
      {
        clientId: client.id,
        name: "  Mini vs Sonnet ",
        variants: [variant("control", { weight: 70 }), variant("mini", { provider: "openai", model: " gpt-4o-mini ", routing: true, weight: 30 }), variant("local", { provider: "ollama", model: "qwen2.5:7b", weight: 1 })],
      },
      admin,
      now,
    );
    expect(created).toMatchObject({
      name: "Mini vs Sonnet",
      clientId: client.id,
      clientName: "Draft Co",
      status: "draft",
      winnerVariant: null,
      createdBy: admin.email,
      startedAt: null,
      endedAt: null,
      variants: [
        { key: "control", provider: "anthropic", model: "claude-sonnet-5-5", routing: false, weight: 70 },
        { key: "mini", provider: "openai", model: "gpt-4o-mini", routing: true, weight: 30 },
        // Ollama's models are free: no price needed.
        { key: "local", provider: "ollama", model: "qwen2.5:7b", routing: false, weight: 1 },
      ],
    });
    const audit = await db.auditLog.findMany({ where: { entityId: created.id } });
    expect(audit).toEqual([expect.objectContaining({ action: "experiment.create", actorEmail: admin.email, clientId: client.id, after: expect.objectContaining({ status: "draft", name: "Mini vs Sonnet" }) })]);

    const listed = await listExperiments(db, { clientId: client.id });
    expect(listed).toMatchObject({ total: 1, page: 1, pageCount: 1, items: [{ id: created.id, clientName: "Draft Co", variants: created.variants }] });
  });

  const refusals: Array<{ rule: string; variants: unknown; field: string; message: string }> = [
    { rule: "a retired model", variants: [variant("a"), variant("b", { model: retiredModel })], field: "variants.1.model", message: "is retired" },
    { rule: "a paid model with no price", variants: [variant("a", { provider: "openai", model: "gpt-unpriced" }), variant("b")], field: "variants.0.model", message: "openai · gpt-unpriced has no price in effect" },
    { rule: "a paid model priced only from tomorrow", variants: [variant("a"), variant("b", { provider: "openai", model: futureModel })], field: "variants.1.model", message: "has no price in effect" },
    { rule: "a zero weight", variants: [variant("a", { weight: 0 }), variant("b")], field: "variants.0.weight", message: "at least 1" },
    { rule: "a fractional weight", variants: [variant("a"), variant("b", { weight: 2.5 })], field: "variants.1.weight", message: "whole number" },
    { rule: "a weight over 1000", variants: [variant("a"), variant("b", { weight: 1001 })], field: "variants.1.weight", message: "at most 1000" },
    { rule: "a single variant", variants: [variant("a")], field: "variants", message: "at least two variants" },
    { rule: "a key used twice", variants: [variant("a"), variant("a", { provider: "openai", model: "gpt-4o-mini" })], field: "variants.1.key", message: "used twice" },
    { rule: "an unknown provider", variants: [variant("a"), variant("b", { provider: "mistral" as "openai" })], field: "variants.1.provider", message: "" },
  ];
  for (const { rule, variants, field, message } of refusals) {
    it(`refuses ${rule} with a 400 naming ${field}, and writes nothing`, async () => {
      const { db } = testDb();
      const client = await createTestClient(db);
      const input = { clientId: client.id, name: "Refused", variants } as TCreateExperimentInput;
      const error = await rejection(createExperiment(db, input, admin, clockNow()));
      expect(error).toMatchObject({ code: "BAD_REQUEST", httpStatus: 400, data: { issues: expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(message) })]) } });
      expect(await db.experiment.count({ where: { clientId: client.id } })).toBe(0);
      expect(await db.auditLog.count({ where: { clientId: client.id } })).toBe(0);

      // Through tRPC: the same refusal, naming the field, no database text.
      const caller = createCaller(createTRPCContext({ db, session: { user: admin }, headers: new Headers() }));
      const viaTrpc = (await rejection(caller.experiments.create(input))) as { code: string; message: string };
      expect(viaTrpc.code).toBe("BAD_REQUEST");
      expect(refusedFields(viaTrpc)).toContain(field);
      expect(viaTrpc.message).not.toMatch(/prisma|select |insert |sql/i);
    });
  }

  it("an unknown client is NOT_FOUND; a viewer is FORBIDDEN and nothing is written; a viewer may list", async () => {
    const { db } = testDb();
    expect(await rejection(createExperiment(db, { clientId: randomUUID(), name: "x", variants: TWO_VARIANTS }, admin, clockNow()))).toMatchObject({ code: "NOT_FOUND" });
    const client = await createTestClient(db);
    const asViewer = createCaller(createTRPCContext({ db, session: { user: viewer }, headers: new Headers() }));
    await expect(asViewer.experiments.create({ clientId: client.id, name: "x", variants: TWO_VARIANTS })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await db.experiment.count({ where: { clientId: client.id } })).toBe(0);
    await expect(asViewer.experiments.list({ clientId: client.id })).resolves.toMatchObject({ total: 0, items: [] });
  });
});
