import { z } from "zod";
import type { TDbClient } from "@/server/db/client";

export const ZPlanSummary = z.object({ key: z.string(), name: z.string(), active: z.boolean(), clientCount: z.number().int() });
export type TPlanSummary = z.infer<typeof ZPlanSummary>;

export async function listPlanSummaries(db: TDbClient): Promise<TPlanSummary[]> {
  const plans = await db.planConfig.findMany({
    orderBy: [{ sortOrder: "asc" }, { key: "asc" }],
    select: { key: true, name: true, active: true, _count: { select: { clients: true } } },
  });
  return plans.map(({ _count, ...plan }) => ({ ...plan, clientCount: _count.clients }));
}
