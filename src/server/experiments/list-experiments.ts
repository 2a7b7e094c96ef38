// The experiments admins see on the Providers page: every client's, or one client's,
// newest first, one page at a time.
import { z } from "zod";
import type { TDbClient } from "@/server/db/client";
import { parseInput } from "@/server/errors/parse-input";
import { ZPageInfo, pageInfo, pageWindow, pagingInput } from "@/shared/paging";
import { EXPERIMENT_SELECT, ZExperiment, experimentOf } from "./experiment-record";
import { EXPERIMENT_STATUSES } from "./experiment-status";

export const ZListExperimentsInput = z.object({
  clientId: z.uuid("must be a client id").optional(),
  status: z.enum(EXPERIMENT_STATUSES).optional(),
  ...pagingInput(),
});
export type TListExperimentsInput = z.input<typeof ZListExperimentsInput>;

export const ZListExperimentsOutput = z.object({ items: z.array(ZExperiment), ...ZPageInfo });
export type TListExperimentsOutput = z.infer<typeof ZListExperimentsOutput>;

export async function listExperiments(db: TDbClient, rawInput: TListExperimentsInput): Promise<TListExperimentsOutput> {
  const input = parseInput(ZListExperimentsInput, rawInput);
  const where = { clientId: input.clientId, status: input.status };
  const [total, rows] = await Promise.all([
    db.experiment.count({ where }),
    db.experiment.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageWindow(input), select: EXPERIMENT_SELECT }),
  ]);
  return { items: rows.map(experimentOf), ...pageInfo(input, total) };
}
