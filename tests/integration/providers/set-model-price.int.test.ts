import { clockNow } from "@/server/clock";
import { expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { createTRPCContext } from "@/server/api/trpc";
import { costOfCall, findModelPrice } from "@/server/usage/cost-of-call";
import { createTestAdmin } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";

describeEachDatabase("model prices", (testDb) => {
  it("an admin's new price applies to calls from then on; earlier calls keep the old one; it is audited", async () => {
    const { db } = testDb();
    const admin = await createTestAdmin(db, "admin");
    const caller = createCaller(createTRPCContext({ db, session: { user: admin }, headers: new Headers() }));
    const model = `model-${admin.id.slice(0, 8)}`;
    const before = clockNow();
    await db.modelPrice.create({
      data: { provider: "openai", model, inputPer1M: "1", outputPer1M: "2", effectiveFrom: new Date(before.getTime() - 86_400_000) },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const saved = await caller.providers.setModelPrice({ provider: "openai", model, inputPer1M: "2.5", outputPer1M: "10", cachedInputPer1M: "1.25" });

    const usage = { inputTokens: 1_000_000, cachedInputTokens: 0, outputTokens: 1_000_000 };
    expect(costOfCall(await findModelPrice(db, "openai", model, before), usage).toString()).toBe("3");
    expect(costOfCall(await findModelPrice(db, "openai", model, new Date(saved.effectiveFrom.getTime() + 1)), usage).toString()).toBe("12.5");
    const audit = await db.auditLog.findFirst({ where: { entityId: saved.id } });
    expect(audit).toMatchObject({ action: "model_price.set", actorEmail: admin.email });
  });

  it("a viewer cannot set prices; a malformed price names its field", async () => {
    const { db } = testDb();
    const viewer = await createTestAdmin(db, "viewer");
    const admin = await createTestAdmin(db, "admin");
    const asViewer = createCaller(createTRPCContext({ db, session: { user: viewer }, headers: new Headers() }));
    await expect(asViewer.providers.setModelPrice({ provider: "openai", model: "x", inputPer1M: "1", outputPer1M: "1" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const asAdmin = createCaller(createTRPCContext({ db, session: { user: admin }, headers: new Headers() }));
    const error = await asAdmin.providers
      .setModelPrice({ provider: "openai", model: "x", inputPer1M: "1.5e3", outputPer1M: "1" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect(JSON.stringify((error as { cause?: unknown }).cause)).toContain("inputPer1M");
  });
});
