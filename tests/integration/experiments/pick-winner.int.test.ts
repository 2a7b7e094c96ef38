import { beforeAll, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import type { TSessionUser } from "@/server/auth/session";
import { getClientOrThrow } from "@/server/clients/get-client";
import { clockNow } from "@/server/clock";
import { pauseExperiment } from "@/server/experiments/pause-experiment";
import { pickWinner } from "@/server/experiments/pick-winner";
import { startExperiment } from "@/server/experiments/start-experiment";
import { stopExperiment } from "@/server/experiments/stop-experiment";
import { createTestAdmin, createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { rejection } from "../payments/payment-test-support";
import { draftExperiment, ensureModelPrices, variant } from "./experiment-test-support";

const MINUTE = 60_000;

describeEachDatabase("experiments: picking a winner", (testDb) => {
  let admin: TSessionUser;
  let viewer: TSessionUser;
  beforeAll(async () => {
    const { db } = testDb();
    admin = await createTestAdmin(db, "admin");
    viewer = await createTestAdmin(db, "viewer");
    await ensureModelPrices(db);
  });

  const clientRow = (id: string) =>
    testDb().db.client.findUniqueOrThrow({ where: { id }, select: { llmProvider: true, llmModel: true, fallbackChain: true, routingEnabled: true } });

  it("stops a paused experiment, records the winner, and makes it the client's override with its routing switch, in one go, audited twice", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    // The client runs on Claude with routing on, GPT-4o mini as its fallback.
    await db.client.update({
      where: { id: client.id },
      data: { llmProvider: "anthropic", llmModel: "claude-sonnet-5-5", routingEnabled: true, fallbackChain: [{ provider: "openai", model: "gpt-4o-mini" }, { provider: "ollama", model: "llama3.2" }] },
    });
    const experiment = await draftExperiment(db, admin, {
      clientId: client.id,
      variants: [variant("control", { routing: true }), variant("mini", { provider: "openai", model: "gpt-4o-mini", routing: false })],
    });
    const t0 = clockNow();
    await startExperiment(db, { experimentId: experiment.id }, admin, t0);
    await pauseExperiment(db, { experimentId: experiment.id }, admin, new Date(t0.getTime() + MINUTE));
    const at = new Date(t0.getTime() + 2 * MINUTE);

    const picked = await pickWinner(db, { experimentId: experiment.id, variantKey: "mini" }, admin, at);
    expect(picked.experiment).toMatchObject({ status: "stopped", winnerVariant: "mini", startedAt: t0, endedAt: at });
    // The winner was the chain's first step: it is the override now, tried first, so it leaves the chain.
    const after = { override: { provider: "openai", model: "gpt-4o-mini" }, fallbackChain: [{ provider: "ollama", model: "llama3.2" }], routingEnabled: false };
    expect(picked.client).toEqual({ id: client.id, ...after });
    expect(await clientRow(client.id)).toEqual({ llmProvider: "openai", llmModel: "gpt-4o-mini", fallbackChain: after.fallbackChain, routingEnabled: false });
    expect((await getClientOrThrow(db, client.id)).provider).toEqual({ override: after.override, fallbackChain: after.fallbackChain });

    const pick = await db.auditLog.findFirstOrThrow({ where: { entityId: experiment.id, action: "experiment.pick_winner" } });
    expect(pick).toMatchObject({ actorEmail: admin.email, clientId: client.id, before: { status: "paused", winnerVariant: null }, after: { status: "stopped", winnerVariant: "mini" } });
    const change = await db.auditLog.findFirstOrThrow({ where: { entityId: client.id, action: "client.provider_change" } });
    expect(change).toMatchObject({
      actorEmail: admin.email,
      clientId: client.id,
      before: {
        override: { provider: "anthropic", model: "claude-sonnet-5-5" },
        fallbackChain: [{ provider: "openai", model: "gpt-4o-mini" }, { provider: "ollama", model: "llama3.2" }],
        routingEnabled: true,
      },
      after,
      reason: expect.stringContaining('Winner "mini"'),
    });

    // One winner per experiment.
    const again = await rejection(pickWinner(db, { experimentId: experiment.id, variantKey: "control" }, admin, clockNow()));
    expect(again).toMatchObject({ code: "EXPERIMENT_STATUS_CONFLICT", data: { winnerVariant: "mini" } });
    expect((await clientRow(client.id)).llmModel).toBe("gpt-4o-mini");
  });

  it("a stopped experiment keeps its end; routing on in the winner turns the client's routing on", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    await db.client.update({ where: { id: client.id }, data: { routingEnabled: false } });
    const experiment = await draftExperiment(db, admin, { clientId: client.id, variants: [variant("control"), variant("routed", { routing: true })] });
    const t0 = clockNow();
    await startExperiment(db, { experimentId: experiment.id }, admin, t0);
    const ended = new Date(t0.getTime() + MINUTE);
    await stopExperiment(db, { experimentId: experiment.id }, admin, ended);
    const picked = await pickWinner(db, { experimentId: experiment.id, variantKey: "routed" }, admin, new Date(t0.getTime() + 5 * MINUTE));
    expect(picked.experiment).toMatchObject({ status: "stopped", endedAt: ended, winnerVariant: "routed" });
    expect(await clientRow(client.id)).toEqual({ llmProvider: "anthropic", llmModel: "claude-sonnet-5-5", fallbackChain: [], routingEnabled: true });
  });

  it("refuses a draft (409), an unknown variant (400 naming variantKey) and a winner whose model was retired since (400); nothing changes", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const experiment = await draftExperiment(db, admin, { clientId: client.id });
    expect(await rejection(pickWinner(db, { experimentId: experiment.id, variantKey: "mini" }, admin, clockNow()))).toMatchObject({ code: "EXPERIMENT_STATUS_CONFLICT", data: { status: "draft" } });

    await startExperiment(db, { experimentId: experiment.id }, admin, clockNow());
    expect(await rejection(pickWinner(db, { experimentId: experiment.id, variantKey: "nope" }, admin, clockNow()))).toMatchObject({
      code: "BAD_REQUEST",
      data: { issues: [{ field: "variantKey", message: expect.stringContaining('no variant "nope"') }] },
    });

    // A model retired after the experiment started cannot become the client's provider.
    await db.modelPrice.create({ data: { provider: "ollama", model: `retiring-${experiment.id}`, inputPer1M: "0", outputPer1M: "0", effectiveFrom: new Date("2025-01-01T00:00:00Z") } });
    await db.experiment.update({ where: { id: experiment.id }, data: { variants: [variant("control"), variant("local", { provider: "ollama", model: `retiring-${experiment.id}` })] } });
    await db.retiredModel.create({ data: { provider: "ollama", model: `retiring-${experiment.id}`, retiredAt: clockNow() } });
    expect(await rejection(pickWinner(db, { experimentId: experiment.id, variantKey: "local" }, admin, clockNow()))).toMatchObject({
      code: "BAD_REQUEST",
      data: { issues: [{ field: "variantKey", message: expect.stringContaining("is retired") }] },
    });

    expect(await clientRow(client.id)).toEqual({ llmProvider: null, llmModel: null, fallbackChain: [], routingEnabled: true });
    expect(await db.experiment.findUniqueOrThrow({ where: { id: experiment.id }, select: { status: true, winnerVariant: true } })).toEqual({ status: "running", winnerVariant: null });
    expect(await db.auditLog.count({ where: { clientId: client.id, action: { in: ["experiment.pick_winner", "client.provider_change"] } } })).toBe(0);
  });

  it("through tRPC: a viewer is FORBIDDEN and nothing changes; an admin picks", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const experiment = await draftExperiment(db, admin, { clientId: client.id });
    await startExperiment(db, { experimentId: experiment.id }, admin, clockNow());
    const asViewer = createCaller(createTRPCContext({ db, session: { user: viewer }, headers: new Headers() }));
    await expect(asViewer.experiments.pickWinner({ experimentId: experiment.id, variantKey: "mini" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await clientRow(client.id)).llmProvider).toBeNull();
    const asAdmin = createCaller(createTRPCContext({ db, session: { user: admin }, headers: new Headers() }));
    await expect(asAdmin.experiments.pickWinner({ experimentId: experiment.id, variantKey: "mini" })).resolves.toMatchObject({
      experiment: { winnerVariant: "mini", status: "stopped" },
      client: { override: { provider: "openai", model: "gpt-4o-mini" }, routingEnabled: true },
    });
  });
});
