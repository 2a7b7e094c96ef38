// Plans are data: what an admin saves is enforced on the client's next chat request,
// with no restart and no code change.
import { beforeAll, expect, it } from "vitest";
import type { TSession } from "@/server/auth/session";
import { createTestAdmin } from "../../support/fixtures";
import { chatHandlerFor, chatRequest, createChatClient } from "../../support/chat-fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { fakeProvidersForFile } from "../../support/fake-providers";
import { callerFor, definitionOf, teamPlan } from "./plan-test-support";

const servers = fakeProvidersForFile();

describeEachDatabase("plans: edits are enforced on the next request", (testDb) => {
  let admin: TSession;
  beforeAll(async () => {
    admin = { user: await createTestAdmin(testDb().db, "admin") };
  });

  // One handler for the whole suite, as in a running server: nothing is restarted.
  let handler: ReturnType<typeof chatHandlerFor> | undefined;
  const chat = (key: string, message: string) => {
    handler ??= chatHandlerFor(testDb().db, servers);
    return handler.POST(chatRequest(key, { message }));
  };
  const asAdmin = () => callerFor(testDb().db, admin);

  it("raising messagesPerMonth from 1 to 5 through plans.update lets the next request through", async () => {
    const client = await createChatClient(testDb().db, { limits: { messagesPerMonth: 1 } });
    expect((await chat(client.secretKey, "first")).status).toBe(200);
    const refused = await chat(client.secretKey, "second");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ metric: "messagesPerMonth", limit: 1, current: 1 });

    const plan = await asAdmin().plans.get({ key: client.planKey });
    const updated = await asAdmin().plans.update({
      key: client.planKey,
      expectedVersion: plan.version,
      plan: { ...definitionOf(plan), limits: { ...plan.limits, messagesPerMonth: 5 } },
    });
    expect(updated.limits.messagesPerMonth).toBe(5);

    expect((await chat(client.secretKey, "third")).status).toBe(200);
    expect(servers.anthropic.stats.requests).toBe(2);
  });

  it("a new plan with a limit on a metric the defaults do not have (outputTokensPerMonth) is enforced once the client is moved to it", async () => {
    const { db } = testDb();
    const client = await createChatClient(db, { limits: { messagesPerMonth: 100 } });
    const team = await asAdmin().plans.create({
      plan: teamPlan("team", { name: "Team", limits: { messagesPerMonth: 100, outputTokensPerMonth: 0 }, pricing: { baseCost: "49", currency: "USD" } }),
    });
    expect(team.limits).toEqual({ messagesPerMonth: 100, outputTokensPerMonth: 0 });

    expect((await chat(client.secretKey, "before the move")).status).toBe(200);
    // The output tokens of that first reply already exceed the new limit of 0: the move needs confirming.
    const preview = await asAdmin().plans.previewChange({ clientId: client.clientId, toPlanKey: "team" });
    expect(preview.warnings).toEqual([{ limitKey: "outputTokensPerMonth", current: expect.any(String), newLimit: 0 }]);
    const moved = await asAdmin().plans.changePlan({ clientId: client.clientId, toPlanKey: "team", reason: "team trial", confirmWarnings: true });
    expect(moved).toMatchObject({ noop: false, toPlan: { key: "team", version: 1 } });

    const refused = await chat(client.secretKey, "after the move");
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: "Plan limit exceeded", metric: "outputTokensPerMonth", limit: 0 });
    expect(servers.anthropic.stats.requests).toBe(1);
  });
});
