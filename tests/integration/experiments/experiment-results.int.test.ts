import { randomUUID } from "node:crypto";
import { beforeAll, expect, it } from "vitest";
import type { TSessionUser } from "@/server/auth/session";
import { clockNow } from "@/server/clock";
import type { TDbClient } from "@/server/db/client";
import { getExperimentResults } from "@/server/experiments/get-experiment-results";
import { startExperiment } from "@/server/experiments/start-experiment";
import { createTestAdmin, createTestClient } from "../../support/fixtures";
import { describeEachDatabase } from "../../support/test-database";
import { draftExperiment, ensureModelPrices, variant } from "./experiment-test-support";

type TEvent = { variant: string | null; experimentId: string | null; conversationId: string | null; latencyMs: number; costUsd: string; fallback?: boolean };

/** Rows as the chat path leaves them, written directly with known values. */
async function writeEvents(db: TDbClient, clientId: string, events: TEvent[]): Promise<string[]> {
  const now = clockNow();
  const rows = await db.usageEvent.createManyAndReturn({
    data: events.map((event) => ({
      clientId,
      idempotencyKey: randomUUID(),
      occurredAt: now,
      provider: "anthropic",
      model: "claude-sonnet-5-5",
      status: "success" as const,
      inputTokens: 10,
      outputTokens: 20,
      conversationId: event.conversationId,
      latencyMs: event.latencyMs,
      costUsd: event.costUsd,
      experimentId: event.experimentId,
      variant: event.variant,
      fallback: event.fallback ?? false,
    })),
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

async function writeAttempt(db: TDbClient, clientId: string, attempt: { status: "failed" | "settled"; experimentId: string | null; variant: string | null }) {
  const now = clockNow();
  await db.chatAttempt.create({
    data: {
      clientId,
      idempotencyKey: randomUUID(),
      requestHash: "0".repeat(64),
      status: attempt.status,
      leaseExpiresAt: now,
      provider: "anthropic",
      model: "claude-sonnet-5-5",
      experimentId: attempt.experimentId,
      variant: attempt.variant,
      createdAt: now,
      updatedAt: now,
    },
  });
}

/** A reply (message) written by `usageEventId`, rated. */
async function rate(db: TDbClient, clientId: string, conversationId: string, usageEventId: string, rating: "up" | "down") {
  const message = await db.message.create({ data: { clientId, conversationId, role: "assistant", content: "a reply", usageEventId }, select: { id: true } });
  await db.messageFeedback.create({ data: { clientId, messageId: message.id, usageEventId, rating } });
}

describeEachDatabase("experiments: results per variant", (testDb) => {
  let admin: TSessionUser;
  beforeAll(async () => {
    const { db } = testDb();
    admin = await createTestAdmin(db, "admin");
    await ensureModelPrices(db);
  });

  it("counts conversations, messages, exact decimal cost per conversation, p50/p95 latency, error, fallback and feedback rates from the rows", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const experiment = await draftExperiment(db, admin, {
      clientId: client.id,
      variants: [variant("control"), variant("mini", { provider: "openai", model: "gpt-4o-mini", routing: true }), variant("routed", { routing: true, weight: 10 })],
    });
    await startExperiment(db, { experimentId: experiment.id }, admin, clockNow());
    const other = await draftExperiment(db, admin, { clientId: client.id });
    const conversations = await Promise.all([1, 2, 3, 4].map(() => db.conversation.create({ data: { clientId: client.id }, select: { id: true } })));
    const [c1, c2, c3, c4] = conversations.map((c) => c.id) as [string, string, string, string];
    const id = experiment.id;

    // control: 5 calls over 3 conversations; latencies 100..1000; 2 answered by a fallback.
    const control = await writeEvents(db, client.id, [
      { variant: "control", experimentId: id, conversationId: c1, latencyMs: 300, costUsd: "0.0012345678" },
      { variant: "control", experimentId: id, conversationId: c1, latencyMs: 100, costUsd: "0.002", fallback: true },
      { variant: "control", experimentId: id, conversationId: c2, latencyMs: 1000, costUsd: "0.003" },
      { variant: "control", experimentId: id, conversationId: c2, latencyMs: 400, costUsd: "0.0001", fallback: true },
      { variant: "control", experimentId: id, conversationId: c3, latencyMs: 200, costUsd: "0.5" },
    ]);
    // mini: 0.1 + 0.2 (a float sum would be 0.30000000000000004) in one conversation.
    await writeEvents(db, client.id, [
      { variant: "mini", experimentId: id, conversationId: c4, latencyMs: 250, costUsd: "0.1" },
      { variant: "mini", experimentId: id, conversationId: c4, latencyMs: 350, costUsd: "0.2" },
    ]);
    // Not this experiment's: another experiment, and the client's calls outside any experiment.
    const noise = await writeEvents(db, client.id, [
      { variant: "control", experimentId: other.id, conversationId: c1, latencyMs: 9000, costUsd: "9" },
      { variant: null, experimentId: null, conversationId: c1, latencyMs: 9000, costUsd: "9" },
    ]);
    // Errors: one failed request of control; a settled attempt is no error; another experiment's failure is not ours.
    await writeAttempt(db, client.id, { status: "failed", experimentId: id, variant: "control" });
    await writeAttempt(db, client.id, { status: "settled", experimentId: id, variant: "control" });
    await writeAttempt(db, client.id, { status: "failed", experimentId: other.id, variant: "control" });
    // Feedback on control's replies: 2 up, 1 down; on another experiment's reply: not counted.
    await rate(db, client.id, c1, control[0]!, "up");
    await rate(db, client.id, c2, control[2]!, "up");
    await rate(db, client.id, c3, control[4]!, "down");
    await rate(db, client.id, c1, noise[0]!, "down");

    const results = await getExperimentResults(db, { experimentId: id });
    expect(results.experiment).toMatchObject({ id, status: "running" });
    expect(results.variants).toEqual([
      {
        ...variant("control"),
        conversations: 3,
        messages: 5,
        costUsd: "0.5063345678",
        // 0.5063345678 / 3 = 0.16877818926666..., kept to 10 decimals, half to even.
        costPerConversationUsd: "0.1687781893",
        // [100, 200, 300, 400, 1000]: median 300; p95 at rank 3.8: 400 + 0.8 × 600 = 880.
        latencyP50Ms: "300",
        latencyP95Ms: "880",
        errors: 1,
        // 1 / (1 + 5)
        errorRate: "0.1667",
        fallbacks: 2,
        fallbackRate: "0.4000",
        feedbackUp: 2,
        feedbackDown: 1,
        upShare: "0.6667",
      },
      {
        ...variant("mini", { provider: "openai", model: "gpt-4o-mini", routing: true }),
        conversations: 1,
        messages: 2,
        costUsd: "0.3",
        costPerConversationUsd: "0.3",
        // [250, 350]: 300 and 250 + 0.95 × 100 = 345.
        latencyP50Ms: "300",
        latencyP95Ms: "345",
        errors: 0,
        errorRate: "0.0000",
        fallbacks: 0,
        fallbackRate: "0.0000",
        feedbackUp: 0,
        feedbackDown: 0,
        upShare: null,
      },
      {
        // No traffic yet: zeros, and no ratio to show.
        ...variant("routed", { routing: true, weight: 10 }),
        conversations: 0,
        messages: 0,
        costUsd: "0",
        costPerConversationUsd: null,
        latencyP50Ms: null,
        latencyP95Ms: null,
        errors: 0,
        errorRate: null,
        fallbacks: 0,
        fallbackRate: null,
        feedbackUp: 0,
        feedbackDown: 0,
        upShare: null,
      },
    ]);
  });

  it("a variant whose every request failed: no messages, error rate 1; a draft with no traffic shows zeros", async () => {
    const { db } = testDb();
    const client = await createTestClient(db);
    const draft = await draftExperiment(db, admin, { clientId: client.id });
    const empty = await getExperimentResults(db, { experimentId: draft.id });
    expect(empty.variants.map((v) => [v.key, v.messages, v.costUsd, v.errorRate, v.latencyP50Ms])).toEqual([
      ["control", 0, "0", null, null],
      ["mini", 0, "0", null, null],
    ]);

    await startExperiment(db, { experimentId: draft.id }, admin, clockNow());
    await writeAttempt(db, client.id, { status: "failed", experimentId: draft.id, variant: "mini" });
    await writeAttempt(db, client.id, { status: "failed", experimentId: draft.id, variant: "mini" });
    const failing = await getExperimentResults(db, { experimentId: draft.id });
    expect(failing.variants[1]).toMatchObject({ key: "mini", messages: 0, errors: 2, errorRate: "1.0000", fallbackRate: null, costPerConversationUsd: null });
    expect(failing.variants[0]).toMatchObject({ key: "control", errors: 0, errorRate: null });
  });

  it("an unknown experiment is NOT_FOUND; a malformed id is a 400 naming experimentId", async () => {
    const { db } = testDb();
    await expect(getExperimentResults(db, { experimentId: randomUUID() })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getExperimentResults(db, { experimentId: "nope" })).rejects.toMatchObject({ code: "BAD_REQUEST", data: { issues: [expect.objectContaining({ field: "experimentId" })] } });
  });
});
