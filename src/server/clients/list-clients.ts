import { z } from "zod";
import { containsText } from "@/server/db/text-search";
import type { TDbClient } from "@/server/db/client";
import { periodOf } from "@/server/usage/period";
import { clockNow } from "@/server/clock";
import { pagingInput, ZPageInfo, pageWindow, pageInfo } from "@/shared/paging";

export const ZListClientsInput = z.object({
  search: z.string().trim().max(100).optional(),
  planKey: z.string().max(50).optional(),
  status: z.enum(["active", "suspended", "cancelled"]).optional(),
  ...pagingInput(),
});
export type TListClientsInput = z.input<typeof ZListClientsInput>;

export const ZClientListItem = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  billingEmail: z.string(),
  status: z.enum(["active", "suspended", "cancelled"]),
  currency: z.string(),
  planKey: z.string(),
  planName: z.string(),
  createdAt: z.date(),
  /** Current period's usage, from UsageCounter. */
  messagesThisPeriod: z.string(),
  costUsdThisPeriod: z.string(),
});

export const ZListClientsOutput = z.object({
  items: z.array(ZClientListItem),
  ...ZPageInfo,
});
export type TListClientsOutput = z.infer<typeof ZListClientsOutput>;

export async function listClients(
  db: TDbClient,
  rawInput: TListClientsInput,
  now: Date = clockNow(),
): Promise<TListClientsOutput> {
  const input = ZListClientsInput.parse(rawInput);
  const search = input.search || undefined;
  const where = {
    planKey: input.planKey || undefined,
    status: input.status,
    OR: search
      ? [
          { name: containsText(search) },
          { slug: containsText(search) },
          { billingEmail: containsText(search) },
        ]
      : undefined,
  };
  const period = periodOf(now);
  const [total, rows] = await Promise.all([
    db.client.count({ where }),
    db.client.findMany({
      where,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      ...pageWindow(input),
      select: {
        id: true,
        slug: true,
        name: true,
        billingEmail: true,
        status: true,
        currency: true,
        planKey: true,
        createdAt: true,
        plan: { select: { name: true } },
        usageCounters: { where: { period, metric: { in: ["messages", "costUsd"] } }, select: { metric: true, value: true } },
      },
    }),
  ]);
  return {
    items: rows.map(({ plan, usageCounters, ...client }) => {
      const counter = (metric: string) => usageCounters.find((c) => c.metric === metric)?.value.toString() ?? "0";
      return { ...client, planName: plan.name, messagesThisPeriod: counter("messages"), costUsdThisPeriod: counter("costUsd") };
    }),
    ...pageInfo(input, total),
  };
}
