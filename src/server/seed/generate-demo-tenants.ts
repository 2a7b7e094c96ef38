// The demo's plans, model prices, clients and crashed chat attempts as rows to write:
// pure functions of the catalogue and the seed's timeline (no I/O). Ids and dates are
// derived from names and the anchor, so every run in a month produces the same rows.
import type { Prisma } from "@/generated/prisma/client";
import { defaultPlans } from "@/server/plans/default-plans";
import { ZPlanDefinition, type TPlanDefinition } from "@/shared/plan-config";
import { describePlanIssues } from "@/shared/zod-issues";
import {
  DEMO_CITIES,
  DEMO_CLIENTS,
  DEMO_MODEL_PRICES,
  DEMO_STREETS,
  MODEL_PRICES_EFFECTIVE_FROM,
  type TDemoClient,
  type TPlanKey,
} from "./demo-catalogue";
import { hashSeed, seedUuid } from "./demo-random";
import { DAY_MS, HOUR_MS, type TSeedReference } from "./demo-reference";

/** A demo client once its row exists: the catalogue entry, its id and creation date. */
export type TSeededClient = TDemoClient & { id: string; createdAt: Date };

/** The plans of the config file, validated as the dashboard validates a saved plan. */
export function demoPlans(): TPlanDefinition[] {
  return Object.values(defaultPlans).map((input) => {
    const result = ZPlanDefinition.safeParse(input);
    if (!result.success) {
      throw new Error(`src/config/defaultPlans.ts: plan "${input.key}" is invalid:\n  ${describePlanIssues(result.error).join("\n  ")}`);
    }
    return result.data;
  });
}

/**
 * Version 1 of each plan, in force from before the oldest demo client: billing picks the
 * version a period started under by this date.
 */
export function demoPlanVersionRows(plans: readonly TPlanDefinition[], clients: readonly TDemoClient[], reference: TSeedReference): Prisma.PlanConfigVersionCreateManyInput[] {
  const from = new Date(Math.min(reference.windowStart.getTime(), ...clients.map((c) => demoClientCreatedAt(c, reference).getTime())));
  return plans.map((plan) => ({ planKey: plan.key, version: 1, snapshot: { ...plan, version: 1, active: true }, createdBy: "seed", createdAt: from }));
}

export function demoModelPriceRows(): Prisma.ModelPriceCreateManyInput[] {
  return DEMO_MODEL_PRICES.map((p) => ({ ...p, effectiveFrom: MODEL_PRICES_EFFECTIVE_FROM }));
}

/** `count` demo clients (default all), taken round-robin across plans, so a small seed still covers every plan. */
export function pickDemoClients(count: number = DEMO_CLIENTS.length): TDemoClient[] {
  const byPlan = new Map<TPlanKey, TDemoClient[]>();
  for (const client of DEMO_CLIENTS) byPlan.set(client.plan, [...(byPlan.get(client.plan) ?? []), client]);
  const queues = [...byPlan.values()];
  const picked: TDemoClient[] = [];
  for (let round = 0; picked.length < Math.min(count, DEMO_CLIENTS.length); round++) {
    for (const queue of queues) {
      const client = queue[round];
      if (client && picked.length < count) picked.push(client);
    }
  }
  return picked;
}

/** Business hours on the day `ageDays` before the anchor; the minute varies by client. */
export function demoClientCreatedAt(demo: TDemoClient, reference: TSeedReference): Date {
  const minute = hashSeed(demo.slug) % 480;
  return new Date(reference.anchor.getTime() - demo.ageDays * DAY_MS + 8 * HOUR_MS + minute * 60_000);
}

/** A made-up postal address for every demo client, and a tax id for the paying ones; stable across runs. */
function demoBillingDetails(demo: TDemoClient): { billingAddress: string; taxId: string | null } {
  const n = Number.parseInt(seedUuid(`address/${demo.slug}`).slice(0, 8), 16);
  const street = `${(n % 480) + 12} ${DEMO_STREETS[n % DEMO_STREETS.length]}`;
  const city = DEMO_CITIES[(n >>> 8) % DEMO_CITIES.length];
  const taxId = demo.plan === "free" ? null : `EIN ${String(10 + (n % 89)).padStart(2, "0")}-${String(n % 10_000_000).padStart(7, "0")}`;
  return { billingAddress: `${street}\n${city}\nUnited States`, taxId };
}

/** The Client row of a demo client, as first created (an existing client is left as it is). */
export function demoClientRow(demo: TDemoClient, reference: TSeedReference): Prisma.ClientUncheckedCreateInput & { id: string; createdAt: Date } {
  return {
    id: seedUuid(`client/${demo.slug}`),
    slug: demo.slug,
    name: demo.name,
    planKey: demo.plan,
    status: demo.suspendedDaysBeforeAnchor ? "suspended" : "active",
    currency: demo.currency ?? "USD",
    billingEmail: `billing@${demo.slug}.com`,
    ...demoBillingDetails(demo),
    llmProvider: demo.override?.provider ?? null,
    llmModel: demo.override?.model ?? null,
    fallbackChain: demo.fallbackChain ?? [],
    alertWebhookUrl: demo.alertWebhook ? `https://hooks.${demo.slug}.com/meterline/alerts` : null,
    // Demo only: a stable, obviously fake signing secret.
    alertWebhookSecret: demo.alertWebhook ? `whsec_demo_${seedUuid(`webhook/${demo.slug}`).replaceAll("-", "")}` : null,
    allowedOrigins: [`https://www.${demo.slug}.com`, `https://${demo.slug}.com`],
    createdAt: demoClientCreatedAt(demo, reference),
  };
}

/**
 * Two chat calls of the first paid client that an app instance crashed on this month:
 * abandoned attempts, shown on the Usage page as unmetered provider spend (the demo's
 * clients never crash on their own). Deterministic ids: a re-run adds nothing.
 */
export function abandonedAttemptRows(clients: readonly TSeededClient[], reference: TSeedReference): Prisma.ChatAttemptCreateManyInput[] {
  const client = clients.find((c) => c.plan !== "free" && !c.suspendedDaysBeforeAnchor);
  if (!client) return [];
  const anchorMs = reference.anchor.getTime();
  const elapsedMs = reference.cutoff.getTime() - anchorMs;
  const crashes = [
    // Provider spend of the crashed call, USD (decimal strings).
    { share: 0.45, cost: "0.0169" },
    { share: 0.8, cost: "0.0142" },
  ];
  return crashes.map((crash, index) => {
    const at = new Date(anchorMs + Math.floor(elapsedMs * crash.share));
    return {
      id: seedUuid(`chat-attempt/${client.slug}/${reference.anchor.toISOString()}/${index}`),
      clientId: client.id,
      idempotencyKey: `seed-crash-${client.slug}-${reference.anchor.toISOString().slice(0, 7)}-${index}`,
      requestHash: "seed",
      status: "abandoned" as const,
      leaseExpiresAt: new Date(at.getTime() + 5 * 60_000),
      estimatedCostUsd: crash.cost,
      createdAt: at,
      updatedAt: new Date(Math.min(at.getTime() + 5 * 60_000, reference.cutoff.getTime())),
    };
  });
}
