import { describe, expect, it } from "vitest";
import { costOfCall } from "@/server/usage/cost-of-call";
import { periodOf } from "@/server/usage/period";
import { seedUuid } from "./demo-random";
import { seedReference } from "./demo-reference";
import { demoClientCreatedAt, demoPlans, pickDemoClients, type TSeededClient } from "./generate-demo-tenants";
import { demoModelPrice, generateClientUsage } from "./generate-demo-usage";

// The instants CI pins APP_NOW to: a month's first minutes, and a leap day's last.
const INSTANTS = [new Date("2026-11-01T00:05:00Z"), new Date("2028-02-29T23:55:00Z")];

function generateAll(now: Date) {
  const reference = seedReference(now);
  const plans = new Map(demoPlans().map((p) => [p.key, p]));
  // Five clients: every plan, and the first client with conversations.
  return pickDemoClients(5).map((demo) => {
    const client: TSeededClient = { ...demo, id: seedUuid(`client/${demo.slug}`), createdAt: demoClientCreatedAt(demo, reference) };
    return { client, plan: plans.get(demo.plan)!, dataset: generateClientUsage(client, plans.get(demo.plan)!, reference) };
  });
}

describe.each(INSTANTS)("demo usage generated at %s", (now) => {
  const generated = generateAll(now);
  const events = generated.flatMap((g) => g.dataset.events);

  it("is the same on every run", () => {
    expect(generateAll(now)).toEqual(generated);
  });

  it("dates nothing after now, and this month has usage", () => {
    expect(events.length).toBeGreaterThan(1000);
    const messages = generated.flatMap((g) => g.dataset.messages);
    expect(messages.length).toBeGreaterThan(0);
    const later = [...events.map((e) => e.occurredAt as Date), ...messages.map((m) => m.createdAt as Date)].filter((at) => at > now);
    expect(later).toEqual([]);
    expect(events.some((e) => periodOf(e.occurredAt as Date) === periodOf(now))).toBe(true);
  });

  it("writes only what the app records: answered calls, priced with costOfCall at the model's price", () => {
    expect(events.filter((e) => e.status === "error")).toEqual([]);
    const mispriced = events.filter((event) => {
      const price = demoModelPrice({ provider: event.provider as never, model: event.model });
      return event.costUsd !== costOfCall(price, { inputTokens: event.inputTokens!, cachedInputTokens: event.cachedInputTokens!, outputTokens: event.outputTokens! }).toFixed(10);
    });
    expect(mispriced).toEqual([]);
  });

  it("keeps every client within its plan's monthly message limit", () => {
    for (const { client, plan, dataset } of generated) {
      const limit = plan.limits.messagesPerMonth;
      if (limit == null) continue;
      const perMonth = new Map<string, number>();
      for (const e of dataset.events) perMonth.set(periodOf(e.occurredAt as Date), (perMonth.get(periodOf(e.occurredAt as Date)) ?? 0) + 1);
      const over = [...perMonth].filter(([, messages]) => messages > limit);
      expect(over, client.slug).toEqual([]);
    }
  });
});
