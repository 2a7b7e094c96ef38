import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { ZPlanLimits, ZProviderChain } from "@/shared/plan-config";
import { periodOf, recentPeriods } from "@/server/usage/period";
import { clockNow } from "@/server/clock";

export const ZGetClientInput = z.object({ id: z.uuid("must be a client id") });

const ZDecimalString = z.string();

export const ZClientDetail = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  billingEmail: z.string(),
  billingAddress: z.string().nullable(),
  taxId: z.string().nullable(),
  status: z.enum(["active", "suspended", "cancelled"]),
  currency: z.string(),
  createdAt: z.date(),
  allowedOrigins: z.array(z.string()),
  alertWebhookUrl: z.string().nullable(),
  provider: z.object({
    override: z.object({ provider: z.string(), model: z.string().nullable() }).nullable(),
    fallbackChain: ZProviderChain,
  }),
  plan: z.object({
    key: z.string(),
    name: z.string(),
    version: z.number().int(),
    limits: ZPlanLimits,
    features: z.record(z.string(), z.union([z.boolean(), z.string()])),
  }),
  period: z.string(),
  /** metric -> value for the current period, from UsageCounter. */
  currentUsage: z.record(z.string(), ZDecimalString),
  /** Oldest first; one row per period, zeros where nothing was used. */
  monthlyUsage: z.array(
    z.object({ period: z.string(), messages: ZDecimalString, tokens: ZDecimalString, toolCalls: ZDecimalString, costUsd: ZDecimalString }),
  ),
  apiKeys: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(["secret", "publishable"]),
      name: z.string(),
      prefix: z.string(),
      lastUsedAt: z.date().nullable(),
      revokedAt: z.date().nullable(),
      createdAt: z.date(),
    }),
  ),
  invoices: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      period: z.string(),
      status: z.string(),
      total: ZDecimalString,
      currency: z.string(),
      dueAt: z.date(),
    }),
  ),
  planChanges: z.array(
    z.object({
      id: z.string(),
      fromPlanKey: z.string(),
      toPlanKey: z.string(),
      effectiveAt: z.date(),
      creditAmount: ZDecimalString,
      chargeAmount: ZDecimalString,
      changedBy: z.string().nullable(),
      reason: z.string().nullable(),
    }),
  ),
  conversationCount: z.number().int(),
});
export type TClientDetail = z.infer<typeof ZClientDetail>;

export async function getClientOrThrow(db: TDbClient, id: string, now: Date = clockNow()): Promise<TClientDetail> {
  const periods = recentPeriods(12, now);
  const period = periodOf(now);
  const client = await db.client.findUnique({
    where: { id },
    select: {
      id: true,
      slug: true,
      name: true,
      billingEmail: true,
      billingAddress: true,
      taxId: true,
      status: true,
      currency: true,
      createdAt: true,
      allowedOrigins: true,
      alertWebhookUrl: true,
      llmProvider: true,
      llmModel: true,
      fallbackChain: true,
      plan: { select: { key: true, name: true, version: true, limits: true, features: true } },
      usageCounters: { where: { period: { in: periods } }, select: { period: true, metric: true, value: true } },
      apiKeys: {
        orderBy: { createdAt: "desc" },
        select: { id: true, kind: true, name: true, prefix: true, lastUsedAt: true, revokedAt: true, createdAt: true },
      },
      invoices: {
        orderBy: { period: "desc" },
        take: 24,
        select: { id: true, number: true, period: true, status: true, total: true, currency: true, dueAt: true },
      },
      planChanges: {
        orderBy: { effectiveAt: "desc" },
        take: 50,
        select: {
          id: true,
          fromPlanKey: true,
          toPlanKey: true,
          effectiveAt: true,
          creditAmount: true,
          chargeAmount: true,
          changedBy: true,
          reason: true,
        },
      },
      _count: { select: { conversations: true } },
    },
  });
  if (!client) throw new AppError("NOT_FOUND", "No client with that id.", { id });

  const usage = new Map(client.usageCounters.map((c) => [`${c.period}/${c.metric}`, c.value.toString()]));
  const value = (p: string, metric: string) => usage.get(`${p}/${metric}`) ?? "0";
  return {
    ...client,
    provider: {
      override: client.llmProvider ? { provider: client.llmProvider, model: client.llmModel } : null,
      fallbackChain: ZProviderChain.parse(client.fallbackChain),
    },
    plan: {
      ...client.plan,
      limits: ZPlanLimits.parse(client.plan.limits),
      features: z.record(z.string(), z.union([z.boolean(), z.string()])).parse(client.plan.features),
    },
    period,
    currentUsage: Object.fromEntries(
      client.usageCounters.filter((c) => c.period === period).map((c) => [c.metric, c.value.toString()]),
    ),
    monthlyUsage: periods.map((p) => ({
      period: p,
      messages: value(p, "messages"),
      tokens: value(p, "tokens"),
      toolCalls: value(p, "toolCalls"),
      costUsd: value(p, "costUsd"),
    })),
    invoices: client.invoices.map((invoice) => ({ ...invoice, total: invoice.total.toString() })),
    planChanges: client.planChanges.map((change) => ({
      ...change,
      creditAmount: change.creditAmount.toString(),
      chargeAmount: change.chargeAmount.toString(),
    })),
    conversationCount: client._count.conversations,
  };
}
